package io.connectionrelay.trace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import io.connectionrelay.core.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * GET /trace/CONNECTION-ID on the embedded HTTP server (camel.server.*, beside /observe/*), and the
 * retention prune: every relay.trace.prune-interval, events older than relay.trace.retention are
 * deleted, PRUNE_BATCH rows per statement.
 */
public class TraceRoutes extends RouteBuilder {

    public static final String HTTP_TOKEN = "relay.trace.http-token";
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 100_000;
    /** Ids per DELETE: most rows of a CSV cycle are a chunk's route events, tens of KB each. */
    private static final int PRUNE_BATCH = 1_000;
    /** An answer waits this long at most for events still in the writer's queue. */
    private static final Duration FRESHNESS_WAIT = Duration.ofSeconds(2);

    @Override
    public void configure() {
        Settings settings = new Settings(getContext());
        TraceStore store = getContext().getRegistry().lookupByNameAndType("traceStore", TraceStore.class);
        Clock clock = getContext().getRegistry().lookupByNameAndType("relayClock", Clock.class);
        Duration retention = settings.getDuration("relay.trace.retention");
        Duration interval = settings.getDuration("relay.trace.prune-interval");

        // the first prune at startup, so a relay run by cron with --once prunes too
        from("timer:relay-trace-prune?delay=0&period=" + interval.toMillis()).routeId("trace-prune")
                .process(e -> {
                    long deleted = store.prune(clock.instant().minus(retention), PRUNE_BATCH);
                    if (deleted > 0) {
                        log.info("Pruned {} trace row(s) older than {} (relay.trace.retention)", deleted, retention);
                    }
                });

        if (settings.getBoolean("camel.server.enabled")) {
            Optional<String> token = settings.get(HTTP_TOKEN);
            from("platform-http:/trace/{connectionId}?httpMethodRestrict=GET").routeId("trace-http")
                    .process(e -> answer(e, store, token));
        }
    }

    private void answer(Exchange exchange, TraceStore store, Optional<String> token) throws Exception {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        String connectionId = exchange.getMessage().getHeader("connectionId", String.class);
        String limitText = exchange.getMessage().getHeader("limit", String.class);
        // nothing of the request (its Authorization above all) may echo into the response
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (token.isPresent() && !authorized(authorization, token.get())) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"relay-trace\"");
            exchange.getMessage().setBody("{\"error\":\"a bearer token is required (relay.trace.http-token)\"}");
            return;
        }
        int limit;
        try {
            limit = limitText == null ? DEFAULT_LIMIT : Integer.parseInt(limitText.trim());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
            exchange.getMessage().setBody("{\"error\":\"limit must be a whole number from 1 to " + MAX_LIMIT + "\"}");
            return;
        }
        TraceWriter writer = exchange.getContext().getRegistry().lookupByNameAndType("traceWriter", TraceWriter.class);
        if (writer != null) {
            writer.awaitWritten(FRESHNESS_WAIT);
        }
        exchange.getMessage().setBody(TraceView.json(store.history(connectionId, limit)));
    }

    /** Constant time, so the answer's timing says nothing about how much of a guess was right. */
    static boolean authorized(String authorization, String token) {
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        byte[] given = (authorization == null ? "" : authorization.trim()).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given);
    }
}
