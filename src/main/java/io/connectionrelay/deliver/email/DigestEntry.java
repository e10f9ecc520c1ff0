package io.connectionrelay.deliver.email;

import java.time.Instant;

import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;

/**
 * One connection in a digest: its latest record, the section it belongs in, and for a resolved
 * one the status it left for.
 *
 * @param state      what the digest tells: the status name, or RESOLVED
 * @param changedAt  when the state last changed
 */
record DigestEntry(ConnectionRecord record, String state, Section section, CanonicalStatus resolvedAs,
        Instant changedAt) {

    static final String RESOLVED = "RESOLVED";

    enum Section { NEW, WAITING, RESOLVED }

    /** Since when the connection has waited: its status's start as enrich saw it, else the change we saw. */
    Instant waitingSince() {
        return record.derived() != null && record.derived().statusSince() != null ? record.derived().statusSince()
                : changedAt;
    }
}
