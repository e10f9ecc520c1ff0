package io.connectionrelay.record;

/** The vendor-neutral status every route decision is made on. */
public enum CanonicalStatus {
    ACTIVE,
    PENDING,
    INACTIVE
}
