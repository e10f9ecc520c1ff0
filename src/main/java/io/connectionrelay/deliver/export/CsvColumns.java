package io.connectionrelay.deliver.export;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Derived;
import io.connectionrelay.record.Party;
import io.connectionrelay.record.Person;

/** The CSV export's columns, in their documented, fixed order (docs/channels.md, "CSV exports"). */
public enum CsvColumns {
    SOURCE("source", ConnectionRecord::source),
    VENDOR("vendor", ConnectionRecord::vendor),
    CONNECTION_ID("connection_id", ConnectionRecord::connectionId),
    STATUS("status", r -> r.status() == null ? null : r.status().name()),
    VENDOR_STATUS("vendor_status", ConnectionRecord::vendorStatus),
    COUNTERPARTY_NAME("counterparty_name", r -> party(r.counterparty(), Party::name)),
    COUNTERPARTY_ID("counterparty_id", r -> party(r.counterparty(), Party::id)),
    COUNTERPARTY_WEBSITE("counterparty_website", r -> party(r.counterparty(), Party::website)),
    CONTACT_NAME("contact_name", r -> person(r.counterpartyContact(), Person::name)),
    CONTACT_EMAIL("contact_email", r -> person(r.counterpartyContact(), Person::email)),
    CONTACT_PHONE("contact_phone", r -> person(r.counterpartyContact(), Person::phone)),
    ACCOUNT_MANAGER_NAME("account_manager_name", r -> person(r.accountManager(), Person::name)),
    ACCOUNT_MANAGER_EMAIL("account_manager_email", r -> person(r.accountManager(), Person::email)),
    ORGANIZATION_NAME("organization_name", r -> party(r.organization(), Party::name)),
    PROVIDER("provider", ConnectionRecord::provider),
    CREATED_AT("created_at", r -> instant(r.createdAt())),
    ACTIVE_AT("active_at", r -> instant(r.activeAt())),
    DEACTIVATED_AT("deactivated_at", r -> instant(r.deactivatedAt())),
    LAST_SYNC_STATUS("last_sync_status", r -> r.lastSync() == null ? null : r.lastSync().status()),
    LAST_SYNC_FAILURE("last_sync_failure", r -> r.lastSync() == null ? null : r.lastSync().failureReason()),
    DAYS_IN_STATUS("days_in_status", r -> derived(r, d -> d.daysInStatus() == null ? null : d.daysInStatus().toString()));

    private final String header;
    private final Function<ConnectionRecord, String> value;

    CsvColumns(String header, Function<ConnectionRecord, String> value) {
        this.header = header;
        this.value = value;
    }

    public String header() {
        return header;
    }

    public String valueOf(ConnectionRecord record) {
        return value.apply(record);
    }

    public static List<String> headers() {
        return java.util.Arrays.stream(values()).map(CsvColumns::header).toList();
    }

    private static String party(Party party, Function<Party, String> field) {
        return party == null ? null : field.apply(party);
    }

    private static String person(Person person, Function<Person, String> field) {
        return person == null ? null : field.apply(person);
    }

    private static String derived(ConnectionRecord record, Function<Derived, String> field) {
        return record.derived() == null ? null : field.apply(record.derived());
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
