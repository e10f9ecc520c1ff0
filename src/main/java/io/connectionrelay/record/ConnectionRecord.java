package io.connectionrelay.record;

import java.time.Instant;
import java.util.List;

/**
 * One partner connection from any vendor: the single type that flows between pipeline stages.
 * Stages pass it (or a chunk of them) as an object; its JSON form ({@link RecordJson}) is for
 * where it is persisted or leaves the process.
 *
 * @param source        the source instance that polled it (a name from relay.sources)
 * @param vendor        crux or terminal
 * @param organization  our side of the connection
 * @param counterparty  the partner's side
 * @param derived       null until the enrich stage has run
 */
public record ConnectionRecord(
        String source,
        String vendor,
        String connectionId,
        CanonicalStatus status,
        String vendorStatus,
        Party organization,
        Party counterparty,
        Person accountManager,
        Person counterpartyContact,
        Instant createdAt,
        Instant activeAt,
        Instant updatedAt,
        Instant deactivatedAt,
        String provider,
        List<String> tags,
        SyncState lastSync,
        Derived derived) {

    /** Unique across sources: two accounts may both know the same partner. */
    public String key() {
        return source + ":" + connectionId;
    }

    public ConnectionRecord withAccountManager(Person manager) {
        return new ConnectionRecord(source, vendor, connectionId, status, vendorStatus, organization, counterparty,
                manager, counterpartyContact, createdAt, activeAt, updatedAt, deactivatedAt, provider, tags, lastSync,
                derived);
    }

    public ConnectionRecord withDerived(Derived value) {
        return new ConnectionRecord(source, vendor, connectionId, status, vendorStatus, organization, counterparty,
                accountManager, counterpartyContact, createdAt, activeAt, updatedAt, deactivatedAt, provider, tags,
                lastSync, value);
    }
}
