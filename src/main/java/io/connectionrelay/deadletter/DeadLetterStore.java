package io.connectionrelay.deadletter;

import java.io.ByteArrayInputStream;
import java.io.File;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.DeadLetters;
import io.connectionrelay.core.HttpFailure;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.record.RecordJson;
import io.connectionrelay.runtime.SecretMasker;
import io.connectionrelay.runtime.Settings;
import org.apache.camel.StreamCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter store: a folder (relay.dead-letter.folder) with ID.json describing each failure
 * and ID.payload holding the message as it was when it failed, both from the {@link DeadLetter}
 * its handler built. Credentials are masked in both, and properties or headers named like
 * credentials are never saved. Entries are written
 * atomically, so a reader listing the folder never sees half an entry.
 */
public class DeadLetterStore implements DeadLetters {

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

    /** Keeps one failure: its entry and its payload, secrets masked, each written atomically. */
    @Override
    public void write(DeadLetter letter) throws IOException {
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
        Files.move(tmp, folder.resolve(id + ".json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        if (replayed != null) {
            failedReplays.add(id);
        }
        metrics.deadLettered(letter.stage());
        LOG.warn("Dead-lettered {} failure in {} (source {}, channel {}) after {} attempt(s): {} -> {}",
                letter.stage(), letter.step(), entry.source(), entry.channel(), letter.attempts(), entry.error(), id);
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

    private InputStream open(Object payload) throws IOException {
        if (payload == null) {
            return InputStream.nullInputStream();
        }
        if (payload instanceof InputStream stream) {
            return stream;
        }
        if (payload instanceof StreamCache cache) {
            java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
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
