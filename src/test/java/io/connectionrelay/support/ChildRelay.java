package io.connectionrelay.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.connectionrelay.RelayMain;
import io.connectionrelay.core.Settings;

/**
 * The relay as an operator runs it: its own JVM (java -cp ... RelayMain, the prod profile, the
 * shipped config/ and routes/), configured by environment variables, stopped by a real SIGTERM or
 * SIGKILL. Its data lives in one test folder (out/csv, staging/csv, dead-letter, state/) unless a
 * setting says otherwise. Output goes to a log file beside the data.
 */
public final class ChildRelay {

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmProperties = new ArrayList<>();
    private final Path data;
    private String heap = "256m";

    private ChildRelay(Path data) {
        this.data = data;
        env.put("RELAY_PROFILE", "prod");
        env.put("CAMEL_SERVER_ENABLED", "false");
        RelayTestSupport.dataFolders(data).forEach(this::set);
    }

    /** A relay whose data folders are under data. */
    public static ChildRelay in(Path data) {
        return new ChildRelay(data);
    }

    /**
     * A setting as docs/settings.md documents it: relay.* by its environment variable, camel.main.* as
     * a JVM system property (Camel Main reads it from there).
     */
    public ChildRelay set(String key, String value) {
        if (key.startsWith("camel.")) {
            jvmProperties.add("-D" + key + "=" + value);
        } else {
            env.put(Settings.envName(key), value);
        }
        return this;
    }

    /** Serves health and metrics on 127.0.0.1:port, as the prod profile does on its port. */
    public ChildRelay serveOperations(int port) {
        env.put("CAMEL_SERVER_ENABLED", "true");
        env.put("CAMEL_SERVER_HOST", "127.0.0.1");
        env.put("CAMEL_SERVER_PORT", String.valueOf(port));
        return this;
    }

    /** The JVM's maximum heap (-Xmx), 256m unless set. */
    public ChildRelay heap(String size) {
        this.heap = size;
        return this;
    }

    /** Starts the relay with these command-line flags (none: the scheduled relay). */
    public Run start(String... flags) {
        Path log = data.resolve("relay-" + RUNS.incrementAndGet() + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(jvmProperties);
        command.add("-cp");
        command.add(classpath());
        command.add(RelayMain.class.getName());
        command.addAll(Arrays.asList(flags));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        try {
            Files.createDirectories(data);
            return new Run(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The relay's runtime classpath: Maven's test classpath without the test classes and resources. */
    private static String classpath() {
        String all = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(all.split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** One running relay process. */
    public static final class Run implements AutoCloseable {

        private final Process process;
        private final Path log;

        private Run(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /** SIGTERM, as an orchestrator stops a container. */
        public void terminate() {
            process.destroy();
        }

        public boolean alive() {
            return process.isAlive();
        }

        /** SIGKILL: no shutdown hook, no flush. */
        public void kill() {
            process.destroyForcibly();
        }

        /** The exit code, once the process ended within the timeout. */
        public int awaitExit(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the relay did not exit within " + seconds + " s; its output:\n" + output());
            }
            return process.exitValue();
        }

        public String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no output: " + e.getMessage() + ")";
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
