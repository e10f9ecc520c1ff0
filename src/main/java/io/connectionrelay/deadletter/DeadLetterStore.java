package io.connectionrelay.deadletter;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.apache.camel.CamelContext;
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
 * <p>
 * A failure to store a failure is itself a failure: it is counted
 * (relay_dead_letter_write_failures_total), logged once per kind, marked on the exchange
 * ({@link #stored}) so a channel does not treat the event as parked, and reported to readiness
 * ({@link #writeProblem}). A replay claims an entry before acting on it ({@link #claim}).
 */
public class DeadLetterStore {

    /** Set on a replayed exchange, so its failure updates the entry instead of adding a second one. */
    public static final String REPLAY_OF = "relayReplayOf";
    /** Comma-separated message headers a stage needs back on replay. */
    public static final String KEEP_HEADERS = "relayKeepHeaders";
    /** Set (true) on an exchange whose dead letter could not be written. */
    static final String NOT_STORED = "relayDeadLetterNotStored";
    static final String FOLDER_KEY = "relay.dead-letter.folder";
    static final String STALE_CLAIM_KEY = "relay.dead-letter.stale-claim-after";

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
    private final EntryClaims claims;
    /** Entries this process's replay holds: id to claimed file. */
    private final Map<String, Path> held = new ConcurrentHashMap<>();
    private final Set<String> loggedWriteFailures = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean loggedAbandoned = new AtomicBoolean();
    /** Why a write failed since writeProblem() was last asked; null when none did. */
    private volatile String lastWriteFailure;

    public DeadLetterStore(Settings settings, RelayMetrics metrics, SecretMasker masker) {
        this.masker = masker;
        this.folder = Path.of(settings.get(FOLDER_KEY, "data/dead-letter"));
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
        this.claims = new EntryClaims(folder, settings.getDuration(STALE_CLAIM_KEY, Duration.ofHours(1)), clock);
    }

    /** At startup: a store that cannot be written would lose every failure, so the relay does not start. */
    public void requireWritable() {
        writeProblem().ifPresent(problem -> {
            throw Settings.invalid(FOLDER_KEY, folder.toString(), "a folder the relay can write to (" + problem + ")");
        });
    }

    /**
     * Why dead letters cannot be stored, if they cannot: a probe file (a few bytes, so a full disk
     * shows too) cannot be written now, or a dead letter failed to be written since the last time
     * this was asked (a failure the probe does not reproduce still shows once). Read by the
     * readiness check, so readiness is DOWN while failures are being lost.
     */
    public Optional<String> writeProblem() {
        String failure = lastWriteFailure;
        lastWriteFailure = null;
        try {
            Files.createDirectories(folder);
            Path probe = Files.createTempFile(folder, ".write-check-", ".tmp");
            try {
                Files.writeString(probe, "dead-letter store write check\n");
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot write to " + folder.toAbsolutePath() + ": " + describe(e));
        }
        return Optional.ofNullable(failure);
    }

    public Path folder() {
        return folder;
    }

    /**
     * Called from direct:dead-letter with the failed exchange. Returns the entry, or null when
     * nothing was stored: the write failed (counted, logged, marked on the exchange), or a stop
     * past camel.main.shutdown-timeout abandoned the work, which the next cycle polls again.
     */
    public DeadLetterEntry write(Exchange exchange) {
        String routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        String stage = Optional.ofNullable(exchange.getProperty(Exchanges.STAGE, String.class)).orElse(stageOf(routeId));
        if (abandonedByStop(exchange.getContext())) {
            if (loggedAbandoned.compareAndSet(false, true)) {
                LOG.warn("The stop outlasted camel.main.shutdown-timeout: failures of the abandoned work are not "
                        + "dead-lettered, because the next cycle polls every record again and the webhook ledger "
                        + "resends what no subscriber acknowledged");
            }
            return null;
        }
        try {
            return store(exchange, routeId, stage);
        } catch (IOException | RuntimeException e) {
            notStored(exchange, routeId, stage, e);
            return null;
        }
    }

    /** False when this exchange's failure could not be written to the store. */
    public static boolean stored(Exchange exchange) {
        return !exchange.getProperty(NOT_STORED, false, Boolean.class);
    }

    /** Camel refuses every further step once a stop outlasts its timeout; the work in flight is abandoned. */
    private static boolean abandonedByStop(CamelContext context) {
        return context.getShutdownStrategy().isForceShutdown() || context.isStopped();
    }

    private void notStored(Exchange exchange, String routeId, String stage, Exception e) {
        exchange.setProperty(NOT_STORED, true);
        String replayOf = exchange.getProperty(REPLAY_OF, String.class);
        if (replayOf != null) {
            failedReplays.add(replayOf);
        }
        String why = describe(e);
        lastWriteFailure = "the last dead letter could not be written to " + folder.toAbsolutePath() + ": " + why;
        metrics.deadLetterNotStored(stage);
        // one line per kind of failure, not one per record: a full disk fails thousands of writes alike
        if (loggedWriteFailures.add(e.getClass().getName())) {
            LOG.error("Cannot store dead letters in {} ({}, environment variable {}): {}. This {} failure in {} and "
                    + "every later one that cannot be written are NOT in the store: they are counted in "
                    + "relay_dead_letter_write_failures_total and readiness goes DOWN.",
                    folder.toAbsolutePath(), FOLDER_KEY, Settings.envName(FOLDER_KEY), masker.mask(why), stage,
                    routeId);
        } else {
            LOG.debug("Dead letter of {} failure in {} not stored: {}", stage, routeId, masker.mask(why));
        }
    }

    private DeadLetterEntry store(Exchange exchange, String routeId, String stage) throws IOException {
        Files.createDirectories(folder);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
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
        // a replay that failed again updates the entry it holds, which its release puts back
        Files.move(tmp, entryFile(id), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (replayed != null) {
            failedReplays.add(id);
        }
        metrics.deadLettered(stage);
        LOG.warn("Dead-lettered {} failure in {} (source {}, channel {}) after {} attempt(s): {} -> {}",
                stage, routeId, entry.source(), entry.channel(), attempts, entry.error(), id);
        return entry;
    }

    /** Every entry, claimed by a replay or not, oldest first. */
    public List<DeadLetterEntry> list() throws IOException {
        Map<String, DeadLetterEntry> entries = new TreeMap<>();
        for (Path file : entryFiles()) {
            try {
                entries.putIfAbsent(EntryClaims.idOf(file), json.readValue(file.toFile(), DeadLetterEntry.class));
            } catch (FileNotFoundException | NoSuchFileException e) {
                // claimed, released or replayed by another process while we listed
            }
        }
        return new ArrayList<>(entries.values());
    }

    /** How many entries the store holds now (a replayed entry is removed). */
    public long count() throws IOException {
        return entryFiles().stream().map(EntryClaims::idOf).distinct().count();
    }

    private List<Path> entryFiles() throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") || EntryClaims.isClaim(f))
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    /**
     * Claims an entry for this process's replay before it acts on it, and returns it as it is
     * now; empty when it is gone or another replay holds it. Claims that a dead replay left are
     * recovered first (see {@link EntryClaims}).
     */
    public Optional<DeadLetterEntry> claim(String id) throws IOException {
        claims.recoverStale();
        Optional<Path> claimed = claims.claim(id);
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        held.put(id, claimed.get());
        return Optional.of(json.readValue(claimed.get().toFile(), DeadLetterEntry.class));
    }

    /** The replay did not go through: the entry (updated if it failed again) is back in the store. */
    public void release(DeadLetterEntry entry) throws IOException {
        Path claimed = held.remove(entry.id());
        if (claimed != null) {
            claims.release(entry.id(), claimed);
        }
    }

    public Path payloadOf(DeadLetterEntry entry) {
        return folder.resolve(entry.id() + ".payload");
    }

    /** True when a replay of this entry was dead-lettered again during this process. */
    public boolean replayFailed(String id) {
        return failedReplays.contains(id);
    }

    /** The replay went through: the entry leaves the store. */
    public void remove(DeadLetterEntry entry) throws IOException {
        Path claimed = held.remove(entry.id());
        Files.deleteIfExists(claimed != null ? claimed : entryFile(entry.id()));
        Files.deleteIfExists(payloadOf(entry));
    }

    /** Where an entry's description is: the claimed file while this process's replay holds it. */
    private Path entryFile(String id) {
        return held.getOrDefault(id, folder.resolve(id + ".json"));
    }

    /** A replay that fails at the step it was replayed into updates its entry; a failure further on is new. */
    private DeadLetterEntry sameStepReplay(String replayOf, String routeId) throws IOException {
        if (replayOf == null) {
            return null;
        }
        Path file = entryFile(replayOf);
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
