package io.connectionrelay.deadletter;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.record.RecordJson;
import org.apache.camel.CamelContext;

/**
 * The dead-letter store of a single process: a folder (relay.dead-letter.folder) with ID.json
 * describing each failure and ID.payload holding the message as it was when it failed, both from
 * the {@link DeadLetter} its handler built, secrets masked. Entries are written atomically, so a
 * reader listing the folder never sees half an entry; a replay claims one by renaming it
 * ({@link EntryClaims}). A failure to write is handled by {@link DeadLetterWrites}.
 * <p>
 * A failure that happens again ({@link FailureFingerprint}) updates its entry instead of adding
 * one: the hidden file .fingerprint-FP names the entry of failure FP, and every process on the
 * folder finds, creates or removes an entry by it under one file lock, .fingerprints.lock.
 */
public class DeadLetterFolder implements DeadLetterStore {

    static final String FOLDER_KEY = "relay.dead-letter.folder";
    static final String STALE_CLAIM_KEY = "relay.dead-letter.stale-claim-after";
    /** .fingerprint-FP names the entry that a repeat of failure FP updates ({@link FailureFingerprint}). */
    private static final String INDEX = ".fingerprint-";
    private static final String INDEX_LOCK = ".fingerprints.lock";
    /** Per folder: a process holds a file lock once, whichever thread asks. */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path folder;
    private final Clock clock;
    private final ObjectMapper json = RecordJson.newMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final SecretMasker masker;
    private final EntryClaims claims;
    private final DeadLetterWrites writes;
    /** Entries this process's replay holds: id to claimed file. */
    private final Map<String, Path> held = new ConcurrentHashMap<>();

    public DeadLetterFolder(CamelContext context, Settings settings, RelayMetrics metrics, SecretMasker masker) {
        this.masker = masker;
        this.folder = Path.of(settings.getString(FOLDER_KEY));
        this.clock = Clock.systemUTC();
        this.claims = new EntryClaims(folder, settings.getDuration(STALE_CLAIM_KEY), clock);
        this.writes = new DeadLetterWrites(context, metrics, masker, folder.toAbsolutePath().toString(), FOLDER_KEY);
    }

    @Override
    public String location() {
        return folder.toAbsolutePath().toString();
    }

    @Override
    public void requireWritable() {
        probe().ifPresent(problem -> {
            throw Settings.invalid(FOLDER_KEY, folder.toString(), "a folder the relay can write to (" + problem + ")");
        });
    }

    @Override
    public Optional<String> writeProblem() {
        Optional<String> failure = writes.takeFailure();
        return probe().or(() -> failure).map(why -> why + " (" + FOLDER_KEY + ")");
    }

    /** A file of a few bytes, so a full disk shows too. */
    private Optional<String> probe() {
        try {
            Files.createDirectories(folder);
            Path probe = Files.createTempFile(folder, ".write-check-", ".tmp");
            try {
                Files.writeString(probe, "dead-letter store write check\n");
            } finally {
                Files.deleteIfExists(probe);
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot write to " + folder.toAbsolutePath() + ": " + DeadLetterWrites.describe(e));
        }
    }

    public Path folder() {
        return folder;
    }

    @Override
    public boolean write(DeadLetter letter) {
        return writes.write(letter, this::store);
    }

    @Override
    public void onStored(BiConsumer<DeadLetter, DeadLetterEntry> listener) {
        writes.onStored(listener);
    }

    private DeadLetterEntry store(DeadLetter letter) throws IOException {
        Files.createDirectories(folder);
        Path payload = folder.resolve(".payload-" + UUID.randomUUID() + ".tmp");
        try {
            byte[] sha256;
            try (OutputStream out = Files.newOutputStream(payload)) {
                sha256 = MaskedPayload.copy(letter.payload(), out, masker);
            }
            long bytes = Files.size(payload);
            Instant now = clock.instant();
            DeadLetterEntry replayed = sameStepReplay(letter);
            if (replayed != null) {
                // a replay that failed again updates the entry it holds, which its release puts back
                DeadLetterEntry entry = DeadLetterEntry.of(replayed.id(), letter, replayed, now, bytes, sha256, masker);
                Files.move(payload, payloadOf(entry.id()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                writeEntry(entry, entryFile(entry.id()));
                return entry;
            }
            DeadLetterEntry entry = DeadLetterEntry.of(DeadLetterEntry.newId(now, letter.stage()), letter, null, now,
                    bytes, sha256, masker);
            return withIndexLocked(() -> storeOnce(entry, payload));
        } finally {
            Files.deleteIfExists(payload);
        }
    }

    /**
     * The entry of the same failure, updated; or this one, new. The entry to update is claimed as a
     * replay claims it, so a replay never reads it halfway through the update, and an entry a
     * replay holds is never written: the repeat gets an entry of its own then, which later repeats
     * update. Its payload is not rewritten: the fingerprint says it is the same bytes.
     */
    private DeadLetterEntry storeOnce(DeadLetterEntry occurrence, Path payload) throws IOException {
        Optional<String> stored = indexed(occurrence.fingerprint());
        Optional<Path> claimed = stored.isPresent() ? claims.claim(stored.get()) : Optional.empty();
        if (claimed.isPresent()) {
            DeadLetterEntry updated = json.readValue(claimed.get().toFile(), DeadLetterEntry.class).seenAgain(occurrence);
            try {
                writeEntry(updated, claimed.get());
            } finally {
                claims.release(updated.id(), claimed.get());
            }
            return updated;
        }
        // the index first: one naming an entry that never came is passed over by the next repeat,
        // while an entry stored without its index would be reported as not stored
        Path index = indexOf(occurrence.fingerprint());
        Path tmp = index.resolveSibling(index.getFileName() + ".tmp");
        Files.writeString(tmp, occurrence.id());
        Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(payload, payloadOf(occurrence.id()), StandardCopyOption.ATOMIC_MOVE);
        writeEntry(occurrence, folder.resolve(occurrence.id() + ".json"));
        return occurrence;
    }

    /** Written beside its target and moved there, so a reader never sees half of it. */
    private void writeEntry(DeadLetterEntry entry, Path target) throws IOException {
        Path tmp = folder.resolve("." + entry.id() + ".json.tmp");
        json.writeValue(tmp.toFile(), entry);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The id of the entry a repeat of this failure updates, when there is one. */
    private Optional<String> indexed(String fingerprint) throws IOException {
        try {
            return Optional.of(Files.readString(indexOf(fingerprint)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private Path indexOf(String fingerprint) {
        return folder.resolve(INDEX + fingerprint);
    }

    /**
     * Runs {@code work} while no other process or thread finds, creates or removes an entry by
     * fingerprint in this folder: of two repeats of one failure at once, the second finds the
     * entry the first made. A file lock is held per process, so the threads of one process (and
     * any other store on this folder in it) queue on a lock of their own first.
     */
    private <T> T withIndexLocked(IndexWork<T> work) throws IOException {
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(folder.toAbsolutePath().normalize(),
                path -> new ReentrantLock());
        inProcess.lock();
        try (FileChannel lockFile = FileChannel.open(folder.resolve(INDEX_LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock locked = lockFile.lock()) {
            return work.run();
        } finally {
            inProcess.unlock();
        }
    }

    private interface IndexWork<T> {
        T run() throws IOException;
    }

    @Override
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

    @Override
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

    /** Claims that a dead replay left are recovered first (see {@link EntryClaims}). */
    @Override
    public Optional<DeadLetterEntry> claim(String id) throws IOException {
        claims.recoverStale();
        Optional<Path> claimed = claims.claim(id);
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        held.put(id, claimed.get());
        return Optional.of(json.readValue(claimed.get().toFile(), DeadLetterEntry.class));
    }

    @Override
    public void release(DeadLetterEntry entry) throws IOException {
        Path claimed = held.remove(entry.id());
        if (claimed != null) {
            claims.release(entry.id(), claimed);
        }
    }

    @Override
    public InputStream openPayload(DeadLetterEntry entry) throws IOException {
        return Files.newInputStream(payloadOf(entry));
    }

    /** Where an entry's payload is: ID.payload beside its description. */
    public Path payloadOf(DeadLetterEntry entry) {
        return payloadOf(entry.id());
    }

    private Path payloadOf(String id) {
        return folder.resolve(id + ".payload");
    }

    @Override
    public boolean replayFailed(String id) {
        return writes.replayFailed(id);
    }

    /** A repeat of its failure after this is a new entry: the index no longer names it. */
    @Override
    public void remove(DeadLetterEntry entry) throws IOException {
        withIndexLocked(() -> {
            Path claimed = held.remove(entry.id());
            Files.deleteIfExists(claimed != null ? claimed : entryFile(entry.id()));
            Files.deleteIfExists(payloadOf(entry));
            if (entry.fingerprint() != null && indexed(entry.fingerprint()).filter(entry.id()::equals).isPresent()) {
                Files.delete(indexOf(entry.fingerprint()));
            }
            return null;
        });
    }

    /** Where an entry's description is: the claimed file while this process's replay holds it. */
    private Path entryFile(String id) {
        return held.getOrDefault(id, folder.resolve(id + ".json"));
    }

    /** The entry this letter's replay came from, when it failed again at the step it was replayed into. */
    private DeadLetterEntry sameStepReplay(DeadLetter letter) throws IOException {
        if (letter.replayOf() == null) {
            return null;
        }
        Path file = entryFile(letter.replayOf());
        if (!Files.exists(file)) {
            return null;
        }
        DeadLetterEntry entry = json.readValue(file.toFile(), DeadLetterEntry.class);
        return DeadLetterEntry.isSameStepReplay(entry, letter) ? entry : null;
    }
}
