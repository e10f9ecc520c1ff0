package io.connectionrelay.core;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;

/**
 * One failure, as the handler that gave up on it describes it: built explicitly where the failure
 * is handled (a route configuration's onException, or a stage that sets one record of a chunk
 * aside), never reconstructed from route ids or property names.
 *
 * @param stage      poll, normalize, enrich, route or deliver (csv for a CSV publish)
 * @param step       the route that failed
 * @param source     the source instance, when the failure belongs to a poll cycle
 * @param channel    the delivery channel, when a channel failed
 * @param error      why
 * @param attempts   how many times the step was tried
 * @param payload    what failed, as it was: a vendor body or element, a record or chunk of records,
 *                   a CSV file, a digest, a signed webhook body
 * @param replayUri  the endpoint a replay sends the payload to
 * @param properties the exchange properties that replay needs (the cycle's source and vendor, a
 *                   webhook's subscriber...), by name
 * @param headers    the message headers that replay needs (never credentials)
 * @param httpStatus the upstream's or subscriber's answer, when it gave one
 * @param replayOf   the entry whose replay failed again, so it is updated instead of duplicated
 */
public record DeadLetter(
        String stage,
        String step,
        String source,
        String channel,
        Throwable error,
        int attempts,
        Object payload,
        String replayUri,
        Map<String, String> properties,
        Map<String, String> headers,
        Integer httpStatus,
        String replayOf) {

    /** Set on a replayed exchange: its failure updates the entry it came from. */
    public static final String REPLAY_OF = "relayReplayOf";
    /** Set by a channel's route: the channel a failure on this exchange belongs to. */
    public static final String CHANNEL = "relayChannel";
    /** Set by a route whose replay enters at another endpoint than its own. */
    public static final String REPLAY_URI = "relayReplayUri";
    /** Set (true) by a failure handler whose dead letter could not be stored. */
    static final String NOT_STORED = "relayDeadLetterNotStored";

    /** False when this exchange's failure could not be written to the store. */
    public static boolean stored(Exchange exchange) {
        return !exchange.getProperty(NOT_STORED, false, Boolean.class);
    }

    /** A record (or element) a stage set aside within its cycle while the rest of its chunk went on. */
    public static DeadLetter ofRecord(Exchange exchange, String stage, String step, Throwable error, Object payload,
            String replayUri) {
        CycleContext cycle = CycleContext.of(exchange);
        return new DeadLetter(stage, step, cycle.source(), exchange.getProperty(CHANNEL, String.class), error, 1,
                payload, replayUri, new LinkedHashMap<>(cycle.asProperties()), Map.of(), null,
                exchange.getProperty(REPLAY_OF, String.class));
    }
}
