package io.connectionrelay.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.connectionrelay.RelayMain;

/**
 * One relay replica as its own operating-system process (java RelayMain, the shipped config/ and
 * routes/), configured only by environment variables as an operator would. Its own process,
 * because Quartz shares one scheduler per name within a JVM: two replicas in one JVM would be one.
 */
final class Replica {

    final String instanceId;
    private final Path output;
    private final Process process;

    private Replica(String instanceId, Path output, Process process) {
        this.instanceId = instanceId;
        this.output = output;
        this.process = process;
    }

    static Replica start(String instanceId, Map<String, String> environment, Path logs) throws IOException {
        Path output = logs.resolve(instanceId + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), RelayMain.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("RELAY_CLUSTER_INSTANCE_ID", instanceId);
        return new Replica(instanceId, output, builder.start());
    }

    String log() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    boolean started() {
        return log().contains("connection-relay started");
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no graceful stop, as when a host dies. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the graceful stop. */
    void stop(Duration patience) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
        }
    }
}
