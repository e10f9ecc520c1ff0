package io.connectionrelay.deadletter;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replay acts on which dead-letter entry. Claiming renames ID.json to
 * ID.json.claimed-MILLIS-PID-HOST: a rename within one folder is atomic, so of two replays (two
 * processes, two hosts on a shared folder) exactly one finds the file, and the other skips the
 * entry. Releasing renames it back; a replay that went through deletes it. The name says who
 * holds the claim and since when, so a claim left by a replay that died is recovered: at once
 * when its process is gone from this host, otherwise once it is older than
 * relay.dead-letter.stale-claim-after. A database-backed store claims with one
 * UPDATE ... SET claimed_by ... WHERE claimed_by IS NULL ... RETURNING instead.
 */
final class EntryClaims {

    static final String MARK = ".json.claimed-";
    private static final Logger LOG = LoggerFactory.getLogger(EntryClaims.class);

    private final Path folder;
    private final Duration staleAfter;
    private final Clock clock;
    private final long pid = ProcessHandle.current().pid();
    private final String host = hostName();

    EntryClaims(Path folder, Duration staleAfter, Clock clock) {
        this.folder = folder;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    static boolean isClaim(Path file) {
        return file.getFileName().toString().contains(MARK);
    }

    static String idOf(Path file) {
        String name = file.getFileName().toString();
        int mark = name.indexOf(MARK);
        return mark < 0 ? name.substring(0, name.length() - ".json".length()) : name.substring(0, mark);
    }

    /** The claimed file, or empty when the entry is gone or another replay holds it. */
    Optional<Path> claim(String id) throws IOException {
        Path claimed = folder.resolve(id + MARK + clock.millis() + "-" + pid + "-" + host);
        try {
            Files.move(folder.resolve(id + ".json"), claimed, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(claimed);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Hands the entry back to the store, as it is now in the claimed file. */
    void release(String id, Path claimed) throws IOException {
        try {
            Files.move(claimed, folder.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            LOG.warn("Dead-letter entry {} was taken back from this replay as a stale claim (held longer than {}): "
                    + "check that it was not replayed twice", id, staleAfter);
        }
    }

    /** Releases every claim whose replay is gone. */
    void recoverStale() throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        List<Path> claims;
        try (Stream<Path> files = Files.list(folder)) {
            claims = files.filter(EntryClaims::isClaim).toList();
        }
        for (Path claim : claims) {
            String holder = claim.getFileName().toString().substring(claim.getFileName().toString().indexOf(MARK)
                    + MARK.length());
            String[] parts = holder.split("-", 3);
            if (parts.length == 3 && parts[0].matches("\\d+") && parts[1].matches("\\d+")
                    && stale(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2])) {
                String id = idOf(claim);
                try {
                    Files.move(claim, folder.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
                    LOG.warn("Recovered dead-letter entry {} from a replay that is gone (process {} on {})", id,
                            parts[1], parts[2]);
                } catch (NoSuchFileException e) {
                    // another replay recovered it first
                }
            }
        }
    }

    private boolean stale(long since, long holderPid, String holderHost) {
        boolean gone = holderHost.equals(host) && ProcessHandle.of(holderPid).map(p -> !p.isAlive()).orElse(true);
        return gone || clock.millis() - since > staleAfter.toMillis();
    }

    private static String hostName() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        return name.replaceAll("[^A-Za-z0-9.-]", "_");
    }
}
