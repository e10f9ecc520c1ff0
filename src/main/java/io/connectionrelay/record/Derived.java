package io.connectionrelay.record;

import java.time.Instant;

/**
 * What the enrich stage adds: facts downstream channels need but no vendor states directly.
 * previousStatus is null when the connection is seen for the first time.
 */
public record Derived(
        CanonicalStatus previousStatus,
        Instant statusSince,
        Long daysInStatus,
        Long daysSinceCreated,
        boolean syncFailed,
        String syncFailureReason,
        String managerAssignedBy) {
}
