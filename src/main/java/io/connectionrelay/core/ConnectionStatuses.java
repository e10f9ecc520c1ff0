package io.connectionrelay.core;

import java.util.Collection;
import java.util.Map;

import io.connectionrelay.record.CanonicalStatus;

/**
 * Each connection's status as the connection history has it after the cycles so far: what a
 * channel that gathers across cycles (the email digest) compares its own entries with.
 */
public interface ConnectionStatuses {

    /** The known ones among {@code connectionIds} of {@code source}; an id never seen is left out. */
    Map<String, CanonicalStatus> current(String source, Collection<String> connectionIds);
}
