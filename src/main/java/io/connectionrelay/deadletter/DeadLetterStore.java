package io.connectionrelay.deadletter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
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
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.DeadLetters;
import io.connectionrelay.core.HttpFailure;
import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.record.RecordJson;
import org.apache.camel.CamelContext;
import org.apache.camel.StreamCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter store: a folder (relay.dead-letter.folder) with ID.json describing each failure
 * and ID.payload holding the message as it was when it failed, both from the {@link DeadLetter}
 * its handler built. Credentials are masked in both, and properties or headers named like
 * credentials are never saved. Entries are written atomically, so a reader listing the folder
 * never sees half an entry.
 * <p>
 * A failure to store a failure is itself a failure: it is counted
 * (relay_dead_letter_write_failures_total), logged once per kind, reported to the handler (which
 * marks its exchange, {@link DeadLetter#stored}) so a channel does not treat the event as parked, and is
 * reported to readiness ({@link #writeProblem}). A replay claims an entry before acting on it ({@link #claim}).
 */
public class DeadLetterStore implements DeadLetters {

    static final String FOLDER_KEY = "relay.dead-letter.folder";
    static final String STALE_CLAIM_KEY = "relay.dead-letter.stale-claim-after";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int BODY_SNIPPET = 2048;

    private final CamelContext context;
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
    private volatile BiConsumer<DeadLetter, DeadLetterEntry> onStored = (letter, entry) -> { };

    public DeadLetterStore(CamelContext context, Settings settings, RelayMetrics metrics, SecretMasker masker) {
        this.context = context;
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
     * Keeps one failure. False when nothing was stored: the write failed (counted, logged), or a
     * stop past camel.main.shutdown-timeout abandoned the work, which the next cycle polls again.
     */
    @Override
    public boolean write(DeadLetter letter) {
        if (abandonedByStop()) {
            if (loggedAbandoned.compareAndSet(false, true)) {
                LOG.warn("The stop outlasted camel.main.shutdown-timeout: failures of the abandoned work are not "
                        + "dead-lettered, because the next cycle polls every record again and the webhook ledger "
                        + "resends what no subscriber acknowledged");
            }
            return false;
        }
        try {
            store(letter);
            return true;
        } catch (IOException | RuntimeException e) {
            notStored(letter, e);
            return false;
        }
    }

    /** Told of each entry once it is stored (the connection trace), on the thread that stored it. */
    public void onStored(BiConsumer<DeadLetter, DeadLetterEntry> listener) {
        this.onStored = listener;
    }

    /** Camel refuses every further step once a stop outlasts its timeout; the work in flight is abandoned. */
    private boolean abandonedByStop() {
        return context.getShutdownStrategy().isForceShutdown() || context.isStopped();
    }

    private void notStored(DeadLetter letter, Exception e) {
        if (letter.replayOf() != null) {
            failedReplays.add(letter.replayOf());
        }
        String why = describe(e);
        lastWriteFailure = "the last dead letter could not be written to " + folder.toAbsolutePath() + ": " + why;
        metrics.deadLetterNotStored(letter.stage());
        // one line per kind of failure, not one per record: a full disk fails thousands of writes alike
        if (loggedWriteFailures.add(e.getClass().getName())) {
            LOG.error("Cannot store dead letters in {} ({}, environment variable {}): {}. This {} failure in {} and "
                    + "every later one that cannot be written are NOT in the store: they are counted in "
                    + "relay_dead_letter_write_failures_total and readiness goes DOWN.",
                    folder.toAbsolutePath(), FOLDER_KEY, Settings.envName(FOLDER_KEY), masker.mask(why),
                    letter.stage(), letter.step());
        } else {
            LOG.debug("Dead letter of {} failure in {} not stored: {}", letter.stage(), letter.step(),
                    masker.mask(why));
        }
    }

    private void store(DeadLetter letter) throws IOException {
        Files.createDirectories(folder);
        Throwable error = letter.error();
        DeadLetterEntry replayed = sameStepReplay(letter.replayOf(), letter.step());
        Instant now = clock.instant();
        String id = replayed != null ? replayed.id()
                : ID_TIME.format(now) + "-" + letter.stage() + "-" + UUID.randomUUID().toString().substring(0, 8);

        long bytes = writePayload(letter.payload(), folder.resolve(id + ".payload"));
        String responseBody = error instanceof HttpFailure answered ? truncate(answered.responseBody()) : null;
        DeadLetterEntry entry = new DeadLetterEntry(
                id,
                now,
                replayed != null && replayed.firstFailedAt() != null ? replayed.firstFailedAt() : now,
                letter.stage(),
                letter.step(),
                letter.source(),
                letter.channel(),
                replayed != null ? replayed.attempts() + letter.attempts() : letter.attempts(),
                replayed != null ? replayed.replays() + 1 : 0,
                masker.mask(describe(error)),
                letter.httpStatus(),
                masker.mask(responseBody),
                letter.replayUri(),
                masked(letter.properties()),
                masked(letter.headers()),
                bytes);
        Path tmp = folder.resolve("." + id + ".json.tmp");
        json.writeValue(tmp.toFile(), entry);
        // a replay that failed again updates the entry it holds, which its release puts back
        Files.move(tmp, entryFile(id), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (replayed != null) {
            failedReplays.add(id);
        }
        metrics.deadLettered(letter.stage());
        onStored.accept(letter, entry);
        LOG.warn("Dead-lettered {} failure in {} (source {}, channel {}) after {} attempt(s): {} -> {}",
                letter.stage(), letter.step(), entry.source(), entry.channel(), letter.attempts(), entry.error(), id);
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

    /** Names that look like credentials are never kept, whoever asked for them; values are masked. */
    private Map<String, String> masked(Map<String, String> values) {
        Map<String, String> kept = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (value != null && !SecretMasker.isSecretName(name)) {
                kept.put(name, masker.mask(value));
            }
        });
        return kept;
    }

    /**
     * The payload as text, secrets masked; streamed, since a failed poll's body can be any size. A
     * stream-cached body is rewound before and after: the failed route may still read it.
     */
    private long writePayload(Object payload, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        if (payload instanceof StreamCache cache) {
            cache.reset();
        }
        InputStream in = open(payload);
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            masker.copyMasked(new InputStreamReader(in, StandardCharsets.UTF_8), out);
        } finally {
            if (payload instanceof StreamCache cache) {
                cache.reset();
            } else {
                in.close();
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Files.size(target);
    }

    private static InputStream open(Object payload) throws IOException {
        if (payload == null) {
            return InputStream.nullInputStream();
        }
        if (payload instanceof InputStream stream) {
            return stream;
        }
        if (payload instanceof StreamCache cache) {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            cache.writeTo(copy);
            return new ByteArrayInputStream(copy.toByteArray());
        }
        if (payload instanceof byte[] bytes) {
            return new ByteArrayInputStream(bytes);
        }
        if (payload instanceof File file) {
            return Files.newInputStream(file.toPath());
        }
        if (payload instanceof Path path) {
            return Files.newInputStream(path);
        }
        if (payload instanceof String text) {
            return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        }
        // records, chunks of records and vendor elements: their one JSON form
        return new ByteArrayInputStream(RecordJson.mapper().writeValueAsBytes(payload));
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
