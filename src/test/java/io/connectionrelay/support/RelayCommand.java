package io.connectionrelay.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.connectionrelay.RelayMain;
import io.connectionrelay.runtime.Settings;

/**
 * The relay as an operator starts it: RelayMain in a child JVM on this build's classpath, from the
 * project folder (config/, routes/), with environment variables. Output and exit code are what a
 * terminal or an orchestrator would see.
 */
public record RelayCommand(int exitCode, String stdout, String stderr) {

    public static RelayCommand run(Path work, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), RelayMain.class.getName()));
        command.addAll(List.of(args));
        Path out = work.resolve("stdout.txt");
        Path err = work.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        // nothing from the test JVM's own environment chooses a profile or a folder
        builder.environment().keySet().removeIf(k -> k.startsWith("RELAY_") || k.startsWith("CAMEL_"));
        builder.environment().put("CAMEL_SERVER_ENABLED", "false");
        builder.environment().putAll(RelayTestSupport.dataFolders(work).entrySet().stream()
                .collect(Collectors.toMap(e -> Settings.envName(e.getKey()), Map.Entry::getValue)));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the relay did not exit within 2 minutes; output in " + work);
        }
        return new RelayCommand(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    public String output() {
        return stdout + stderr;
    }
}
