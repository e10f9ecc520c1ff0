package io.connectionrelay.deadletter;

import java.time.Instant;
import java.util.Map;

/**
 * One failure, as stored: what failed, when, how often it was tried, why, and where a replay
 * sends the saved payload (kept beside the entry in ID.payload, secrets masked). A replay that
 * fails at the same step updates the entry: failedAt moves on, attempts and replays add up.
 *
 * @param stage        poll, normalize, enrich, route or deliver (the failed route's id up to its first dash)
 * @param step         the route that failed
 * @param attempts     tries of that step in all, replays included
 * @param httpStatus   the upstream's answer, when the failure came with one
 * @param responseBody the start of the upstream's answer (2 KB), when it was an error status
 * @param replayUri    the endpoint that consumes the payload again
 * @param properties   the exchange properties the replayed stage needs (source, cycle, channel)
 * @param headers      message headers the replayed stage needs (never credentials)
 */
public record DeadLetterEntry(
        String id,
        Instant failedAt,
        Instant firstFailedAt,
        String stage,
        String step,
        String source,
        String channel,
        int attempts,
        int replays,
        String error,
        Integer httpStatus,
        String responseBody,
        String replayUri,
        Map<String, String> properties,
        Map<String, String> headers,
        long payloadBytes) {
}
