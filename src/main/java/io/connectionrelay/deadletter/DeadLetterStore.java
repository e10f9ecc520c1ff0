package io.connectionrelay.deadletter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.connectionrelay.normalize.MalformedPayloadException;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.poll.UpstreamException;
import io.connectionrelay.record.RecordJson;
import io.connectionrelay.runtime.Exchanges;
import io.connectionrelay.runtime.SecretMasker;
import io.connectionrelay.runtime.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.StreamCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter store: a folder (relay.dead-letter.folder) with ID.json describing each failure
 * and ID.payload holding the message as it was when it failed. Credentials are masked in both, and
 * exchange properties or headers named like credentials are never saved. Entries are written
 * atomically, so a reader listing the folder never sees half an entry.
 */
public class DeadLetterStore {

    /** Set on a replayed exchange, so its failure updates the entry instead of adding a second one. */
    public static final String REPLAY_OF = "relayReplayOf";
    /** Comma-separated message headers a stage needs back on replay. */
    public static final String KEEP_HEADERS = "relayKeepHeaders";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int BODY_SNIPPET = 2048;

    private final Path folder;
    private final RelayMetrics metrics;
    private final Clock clock;
    private final ObjectMapper json = RecordJson.newMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Set<String> failedReplays = ConcurrentHashMap.newKeySet();
    private final SecretMasker masker;

    public DeadLetterStore(Settings settings, RelayMetrics metrics, SecretMasker masker) {
        this.masker = masker;
        this.folder = Path.of(settings.get("relay.dead-letter.folder", "data/dead-letter"));
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
    }

    public Path folder() {
        return folder;
    }

    /** Called from direct:dead-letter with the failed exchange. */
    public DeadLetterEntry write(Exchange exchange) throws IOException {
        Files.createDirectories(folder);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        String stage = Optional.ofNullable(exchange.getProperty(Exchanges.STAGE, String.class)).orElse(stageOf(routeId));
        DeadLetterEntry replayed = sameStepReplay(exchange.getProperty(REPLAY_OF, String.class), routeId);
        Instant now = clock.instant();
        String id = replayed != null ? replayed.id()
                : ID_TIME.format(now) + "-" + stage + "-" + UUID.randomUUID().toString().substring(0, 8);

        long bytes = writePayload(exchange, folder.resolve(id + ".payload"));
        Integer httpStatus = null;
        String responseBody = null;
        if (error instanceof UpstreamException upstream) {
            httpStatus = upstream.getHttpStatus() == 0 ? null : upstream.getHttpStatus();
            responseBody = truncate(upstream.getResponseBody());
        } else if (error instanceof MalformedPayloadException) {
            // the body itself is the payload; the status says the upstream called it a success
            httpStatus = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        }
        int attempts = AttemptCount.of(exchange, error);
        DeadLetterEntry entry = new DeadLetterEntry(
                id,
                now,
                replayed != null && replayed.firstFailedAt() != null ? replayed.firstFailedAt() : now,
                stage,
                routeId,
                exchange.getProperty(Exchanges.SOURCE, String.class),
                exchange.getProperty(Exchanges.CHANNEL, String.class),
                replayed != null ? replayed.attempts() + attempts : attempts,
                replayed != null ? replayed.replays() + 1 : 0,
                masker.mask(describe(error)),
                httpStatus,
                masker.mask(responseBody),
                replayUri(exchange, routeId),
                relayProperties(exchange),
                keptHeaders(exchange),
                bytes);
        Path tmp = folder.resolve("." + id + ".json.tmp");
        json.writeValue(tmp.toFile(), entry);
        Files.move(tmp, folder.resolve(id + ".json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        if (replayed != null) {
            failedReplays.add(id);
        }
        metrics.deadLettered(stage);
        LOG.warn("Dead-lettered {} failure in {} (source {}, channel {}) after {} attempt(s): {} -> {}",
                stage, routeId, entry.source(), entry.channel(), attempts, entry.error(), id);
        return entry;
    }

    public List<DeadLetterEntry> list() throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<DeadLetterEntry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                entries.add(json.readValue(file.toFile(), DeadLetterEntry.class));
            }
        }
        return entries;
    }

    /** How many entries the store holds now (a replayed entry is removed). */
    public long count() throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    public Path payloadOf(DeadLetterEntry entry) {
        return folder.resolve(entry.id() + ".payload");
    }

    /** True when a replay of this entry was dead-lettered again during this process. */
    public boolean replayFailed(String id) {
        return failedReplays.contains(id);
    }

    public void remove(DeadLetterEntry entry) throws IOException {
        Files.deleteIfExists(folder.resolve(entry.id() + ".json"));
        Files.deleteIfExists(payloadOf(entry));
    }

    /** A replay that fails at the step it was replayed into updates its entry; a failure further on is new. */
    private DeadLetterEntry sameStepReplay(String replayOf, String routeId) throws IOException {
        if (replayOf == null) {
            return null;
        }
        Path file = folder.resolve(replayOf + ".json");
        if (!Files.exists(file)) {
            return null;
        }
        DeadLetterEntry entry = json.readValue(file.toFile(), DeadLetterEntry.class);
        return entry.step() != null && entry.step().equals(routeId) ? entry : null;
    }

    static String stageOf(String routeId) {
        if (routeId == null) {
            return "unknown";
        }
        int dash = routeId.indexOf('-');
        return dash < 0 ? routeId : routeId.substring(0, dash);
    }

    private static String replayUri(Exchange exchange, String routeId) {
        String explicit = exchange.getProperty(Exchanges.REPLAY_URI, String.class);
        if (explicit != null) {
            return explicit;
        }
        Route route = routeId == null ? null : exchange.getContext().getRoute(routeId);
        return route == null ? null : route.getEndpoint().getEndpointUri();
    }

    private Map<String, String> relayProperties(Exchange exchange) {
        Map<String, String> properties = new LinkedHashMap<>();
        exchange.getProperties().forEach((k, v) -> {
            if (k.startsWith("relay") && !k.equals(REPLAY_OF) && !SecretMasker.isSecretName(k)
                    && (v instanceof String || v instanceof Number)) {
                properties.put(k, masker.mask(String.valueOf(v)));
            }
        });
        return properties;
    }

    private Map<String, String> keptHeaders(Exchange exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        String keep = exchange.getProperty(KEEP_HEADERS, String.class);
        if (keep != null) {
            for (String name : keep.split(",")) {
                String value = exchange.getMessage().getHeader(name.trim(), String.class);
                if (value != null && !SecretMasker.isSecretName(name)) {
                    headers.put(name.trim(), masker.mask(value));
                }
            }
        }
        return headers;
    }

    /** The body as text, secrets masked; streamed, since a failed poll's body can be any size. */
    private long writePayload(Exchange exchange, Path target) throws IOException {
        Object body = exchange.getMessage().getBody();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        if (body instanceof StreamCache cache) {
            cache.reset();
        }
        InputStream in = body instanceof InputStream stream ? stream
                : body == null ? InputStream.nullInputStream()
                : exchange.getContext().getTypeConverter().tryConvertTo(InputStream.class, exchange, body);
        if (in == null) {
            in = new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8));
        }
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            masker.copyMasked(new InputStreamReader(in, StandardCharsets.UTF_8), out);
        } finally {
            if (in != body) {
                in.close();
            } else if (body instanceof StreamCache cache) {
                cache.reset();
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Files.size(target);
    }

    private static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String truncate(String text) {
        return text == null || text.length() <= BODY_SNIPPET ? text : text.substring(0, BODY_SNIPPET) + "…";
    }

}
