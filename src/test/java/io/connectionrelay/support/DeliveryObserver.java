package io.connectionrelay.support;

import java.util.List;
import java.util.Set;

/**
 * What one channel's receiving side holds, read through that side's own protocol (published CSV
 * files, the requests a WireMock subscriber logged, later the messages GreenMail received).
 * {@link DeliveryInvariant} checks every channel with the same rules.
 */
public interface DeliveryObserver {

    /** The channel's name as dead-letter entries record it (relayChannel): csv, webhook, email. */
    String channel();

    /** Record keys (source:connectionId) the receiver accepted. */
    Set<String> delivered() throws Exception;

    /**
     * Deliveries the receiver accepted more than once, described for a failure message; empty when
     * none. A channel that re-sends everything by design (a CSV per cycle) has none.
     */
    List<String> duplicates() throws Exception;

    /**
     * Whether a dead-lettered payload of this channel names the connection. Most payloads carry
     * the id as text; a channel whose payload is encoded (a MIME message) reads it as its
     * receivers would.
     */
    default boolean names(String payload, String connectionId) {
        return payload.contains(connectionId);
    }
}
