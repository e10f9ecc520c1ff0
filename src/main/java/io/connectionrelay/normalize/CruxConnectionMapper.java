package io.connectionrelay.normalize;

import io.connectionrelay.core.RecordMappingException;
import static io.connectionrelay.normalize.JsonFields.connectionId;
import static io.connectionrelay.normalize.JsonFields.fullName;
import static io.connectionrelay.normalize.JsonFields.instant;
import static io.connectionrelay.normalize.JsonFields.text;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectionrelay.core.Settings;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Party;
import io.connectionrelay.record.Person;

/**
 * One element of Crux's GET /timp/organizations/connections/ to the canonical record.
 * A Crux connection has a retailer and a supplier side; relay.source.ID.our-side (retailer by
 * default) says which one is us, and the other becomes the counterparty.
 */
public class CruxConnectionMapper implements VendorMapper {

    private final Settings settings;
    private final StatusMapping statuses;
    private final Map<String, Boolean> weAreRetailer = new ConcurrentHashMap<>();

    public CruxConnectionMapper(Settings settings) {
        this.settings = settings;
        this.statuses = StatusMapping.forVendor(settings, "crux");
    }

    @Override
    public ConnectionRecord toRecord(JsonNode element, String sourceId) {
        if (element == null || !element.isObject()) {
            throw new RecordMappingException("a Crux connection must be a JSON object, got "
                    + (element == null ? "nothing" : element.getNodeType()));
        }
        String id = connectionId(element, "uuid", "a Crux connection");
        String vendorStatus = text(element, "status");
        boolean retailer = weAreRetailer.computeIfAbsent(sourceId, this::weAreRetailer);
        JsonNode ours = element.path(retailer ? "retailer" : "supplier");
        JsonNode theirs = element.path(retailer ? "supplier" : "retailer");
        JsonNode theirOrg = theirs.path("organization");
        if (!theirOrg.isObject()) {
            throw new RecordMappingException("Crux connection " + id + " has no " + (retailer ? "supplier" : "retailer")
                    + ".organization");
        }
        return new ConnectionRecord(
                sourceId,
                "crux",
                id,
                statuses.map(vendorStatus),
                vendorStatus,
                party(ours.path("organization")),
                party(theirOrg),
                manager(element.path("account_manager")),
                person(theirs.path("contact")),
                instant(theirOrg, "created_date"),
                instant(theirOrg, "active_date"),
                null,
                instant(element, "deactivated_date"),
                null,
                List.of(),
                null,
                null);
    }

    private boolean weAreRetailer(String sourceId) {
        String key = "relay.source." + sourceId + ".our-side";
        String side = settings.getString(key).toLowerCase(Locale.ROOT);
        if (!side.equals("retailer") && !side.equals("supplier")) {
            throw Settings.invalid(key, side, "retailer or supplier");
        }
        return side.equals("retailer");
    }

    private static Party party(JsonNode org) {
        if (!org.isObject()) {
            return null;
        }
        return new Party(text(org, "uuid"), text(org, "name"), text(org, "website"), text(org, "org_type"));
    }

    private static Person manager(JsonNode manager) {
        return manager.isObject() ? person(manager.path("person")) : null;
    }

    private static Person person(JsonNode person) {
        if (!person.isObject()) {
            return null;
        }
        return new Person(text(person, "uuid"), fullName(text(person, "first_name"), text(person, "last_name")),
                text(person, "email"), text(person, "phone"), text(person, "job_title"));
    }
}
