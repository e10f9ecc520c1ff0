package io.connectionrelay.deadletter;

import java.time.Instant;
import java.util.Map;

/**
 * One failure, as stored: what failed, when, how often it was tried, why, and where a replay
 * sends the saved payload (kept beside the entry in ID.payload, byte for byte).
 *
 * @param stage       poll, normalize, enrich, route or deliver
 * @param step        the route that failed
 * @param replayUri   the endpoint that consumes the payload again
 * @param properties  the exchange properties the replayed stage needs (source, cycle, channel)
 * @param headers     message headers the replayed stage needs (never credentials)
 */
public record DeadLetterEntry(
        String id,
        Instant failedAt,
        String stage,
        String step,
        String source,
        String channel,
        int attempts,
        String error,
        Integer httpStatus,
        String responseBody,
        String replayUri,
        Map<String, String> properties,
        Map<String, String> headers,
        long payloadBytes) {
}
