package io.connectionrelay.normalize;

import io.connectionrelay.core.RecordMappingException;
import static io.connectionrelay.normalize.JsonFields.connectionId;
import static io.connectionrelay.normalize.JsonFields.fullName;
import static io.connectionrelay.normalize.JsonFields.instant;
import static io.connectionrelay.normalize.JsonFields.text;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectionrelay.core.Settings;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Party;
import io.connectionrelay.record.Person;
import io.connectionrelay.record.SyncState;

/**
 * One Terminal connection (a GET /connections item with what GET /connections/current adds) to the
 * canonical record. The counterparty is the carrier whose telematics we read: the company Terminal
 * shows, else the provider account's name. Terminal names no account manager (enrichment assigns
 * one) and our side is the application itself, so organization stays null. The connection token
 * is never read: it is a secret and has no place in the record.
 */
public class TerminalConnectionMapper implements VendorMapper {

    private final StatusMapping statuses;

    public TerminalConnectionMapper(Settings settings) {
        this.statuses = StatusMapping.forVendor(settings, "terminal");
    }

    @Override
    public ConnectionRecord toRecord(JsonNode connection, String sourceId) {
        if (connection == null || !connection.isObject()) {
            throw new RecordMappingException("a Terminal connection must be a JSON object, got "
                    + (connection == null ? "nothing" : connection.getNodeType()));
        }
        String id = connectionId(connection, "id", "a Terminal connection");
        String vendorStatus = text(connection, "status");
        CanonicalStatus status;
        try {
            status = statuses.map(vendorStatus);
        } catch (RecordMappingException e) {
            throw new RecordMappingException("Terminal connection " + id + ": " + e.getMessage());
        }
        JsonNode provider = connection.path("provider");
        String providerName = text(provider, "code") != null ? text(provider, "code") : text(provider, "name");
        return new ConnectionRecord(
                sourceId,
                "terminal",
                id,
                status,
                vendorStatus,
                null,
                counterparty(connection.path("company"), connection.path("account")),
                null,
                contact(connection),
                instant(connection, "createdAt"),
                null,
                instant(connection, "updatedAt"),
                null,
                providerName,
                strings(connection.path("tags")),
                sync(connection.path("lastSync")),
                null);
    }

    /** The company's name and DOT numbers (';'-separated, as the party id), else the account's. */
    private static Party counterparty(JsonNode company, JsonNode account) {
        String name = text(company, "name") != null ? text(company, "name") : text(account, "name");
        List<String> dots = strings(company.path("dotNumbers"));
        if (dots.isEmpty()) {
            dots = strings(account.path("dotNumbers"));
        }
        if (name == null && dots.isEmpty()) {
            return null;
        }
        return new Party(dots.isEmpty() ? null : String.join(";", dots), name, null, null);
    }

    /** The provider account's user who linked the connection, else whoever accepted the latest agreement. */
    private static Person contact(JsonNode connection) {
        Person user = person(connection.path("account").path("user"));
        if (user != null) {
            return user;
        }
        Person latest = null;
        String latestAt = null;
        for (JsonNode agreement : connection.path("agreements")) {
            Person acceptedBy = person(agreement.path("acceptedBy"));
            // ISO-8601 UTC timestamps in one format sort chronologically as text
            String at = text(agreement, "acceptedAt");
            if (acceptedBy != null && (latest == null || (at != null && (latestAt == null || at.compareTo(latestAt) > 0)))) {
                latest = acceptedBy;
                latestAt = at;
            }
        }
        return latest;
    }

    private static Person person(JsonNode person) {
        if (!person.isObject()) {
            return null;
        }
        String name = fullName(text(person, "firstName"), text(person, "lastName"));
        String email = text(person, "email");
        if (name == null && email == null) {
            return null;
        }
        return new Person(text(person, "sourceId"), name, email, null, null);
    }

    private static SyncState sync(JsonNode sync) {
        if (!sync.isObject()) {
            return null;
        }
        return new SyncState(text(sync, "status"), text(sync, "failureReason"), instant(sync, "completedAt"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            if (value.isValueNode() && !value.isNull() && !value.asText().isEmpty()) {
                values.add(value.asText());
            }
        }
        return values;
    }
}
