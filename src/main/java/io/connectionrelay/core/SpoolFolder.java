package io.connectionrelay.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Camel's stream cache spools large bodies, which are upstream payloads full of personal
 * data: one folder per process under relay.spool.folder, claimed by a lock on its sibling
 * NAME.lock. The operating system drops the lock when the process ends, however it ends, so at
 * start a folder whose lock nobody holds is what a crash (kill -9, power loss) left behind and is
 * deleted; a folder another running instance holds is left alone. A clean stop removes its own.
 */
public final class SpoolFolder implements Service {

    static final String SETTING = "relay.spool.folder";
    private static final String LOCK = ".lock";
    private static final Logger LOG = LoggerFactory.getLogger(SpoolFolder.class);

    private final Path folder;
    private final Path lockFile;
    private final FileChannel channel;

    private SpoolFolder(Path folder, Path lockFile, FileChannel channel) {
        this.folder = folder;
        this.lockFile = lockFile;
        this.channel = channel;
    }

    /** Deletes what crashed processes left under relay.spool.folder, then claims a folder for this one. */
    public static SpoolFolder claim(Settings settings) {
        Path parent = Path.of(settings.getString(SETTING)).toAbsolutePath();
        try {
            Files.createDirectories(parent);
            removeLeftovers(parent);
            // the lock first, so no other instance's clean-up can take the folder for a leftover
            String name = ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
            Path lockFile = parent.resolve(name + LOCK);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.lock();
            Path folder = Files.createDirectory(parent.resolve(name));
            return new SpoolFolder(folder, lockFile, channel);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a spool folder in " + parent + " (" + SETTING
                    + ", environment variable " + Settings.envName(SETTING) + "): " + e, e);
        }
    }

    public Path path() {
        return folder;
    }

    @Override
    public void start() {
        // claimed before the context starts: the stream caching strategy is given the folder then
    }

    @Override
    public void stop() {
        try {
            delete(folder);
            Files.deleteIfExists(lockFile);
            channel.close();
        } catch (IOException e) {
            LOG.warn("Could not remove the spool folder {}: {}", folder, e.toString());
        }
    }

    private static void removeLeftovers(Path parent) throws IOException {
        List<String> names;
        try (Stream<Path> entries = Files.list(parent)) {
            // a lock file alone is a process that died between locking and creating its folder
            names = entries.map(p -> p.getFileName().toString())
                    .map(n -> n.endsWith(LOCK) ? n.substring(0, n.length() - LOCK.length()) : n)
                    .distinct().toList();
        }
        int removed = 0;
        for (String name : names) {
            Path leftover = parent.resolve(name);
            Path lockFile = parent.resolve(name + LOCK);
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    continue; // another process holds it
                }
                delete(leftover);
                Files.deleteIfExists(lockFile);
                removed++;
            } catch (OverlappingFileLockException inUse) {
                // another relay in this JVM (tests) holds it
            }
        }
        if (removed > 0) {
            LOG.warn("Deleted {} spool folder(s) in {} left by relay processes that did not stop cleanly", removed,
                    parent);
        }
    }

    private static void delete(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
