package io.connectionrelay.app;

import io.connectionrelay.core.SecretMasker;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.RelayMain;
import io.connectionrelay.support.CsvExports;
import io.connectionrelay.support.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees on the console: the demo's --once in its own JVM, started by RelayMain as a
 * user starts it, with the shipped configuration and logback.xml. Only the port (another relay may
 * hold 8765) and, for the JSON case, one more source are set from outside.
 */
class DemoLogTest {

    /** One terminal screen. */
    static final int SCREEN = 40;
    static final String LEAKY_TOKEN = "leaky-fixed-token-7f3e91";
    static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\w+) +\\[[^]]*] (\\S+) - (.*)$");

    @RegisterExtension
    static WireMockExtension leaky = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path work;

    record Run(int exit, List<String> stdout, String stderr) {
    }

    @Test
    void theDemosOneShotFitsOnOneScreenWithOneLinePerCycle() throws Exception {
        Run run = demoOnce(Map.of());

        assertThat(run.exit()).as(run.stderr()).isZero();
        List<String> events = run.stdout().stream().filter(l -> LOG_LINE.matcher(l).matches()).toList();
        System.out.printf("demo --once: %d output lines, %d log lines (%d INFO)%n", run.stdout().size(), events.size(),
                events.stream().filter(l -> l.contains(" INFO ")).count());
        // a loaded machine adds a progress line per 10 s of a slow cycle: not what the screen is for
        assertThat(run.stdout().stream().filter(l -> !l.contains(" running for ")).toList())
                .as("the whole output, startup and one-shot summaries included")
                .hasSizeLessThanOrEqualTo(SCREEN)
                .noneMatch(l -> l.contains("Started ") || l.contains("Stopped ") || l.contains("Demo receiver")
                        || (l.contains("summary") && !l.contains("one-shot summary")));
        // nothing but the startup summary and the cycles' lines (progress ones too, on a slow machine)
        List<String> loggers = events.stream()
                .map(l -> group(LOG_LINE, l, 2) + " " + group(LOG_LINE, l, 1)).toList();
        assertThat(loggers).first().isEqualTo("StartupSummary INFO");
        assertThat(loggers.subList(1, loggers.size())).containsOnly("CycleLog INFO");
        assertThat(events).filteredOn(l -> l.contains(" succeeded in ")).hasSize(2);
        assertThat(run.stdout()).contains("Result: OK")
                .anyMatch(l -> l.endsWith("StartupSummary - connection-relay started"));

        String crux = events.stream().filter(l -> l.contains("Cycle of crux-demo succeeded"))
                .findFirst().orElseThrow();
        Matcher cycle = Pattern.compile("Cycle of crux-demo succeeded in \\d+\\.\\d s: 50 polled, 50 records routed "
                + "\\(csv (\\d+), email (\\d+), webhook (\\d+)\\), published (crux-demo-\\d{8}T\\d{9}Z\\.csv)$")
                .matcher(crux);
        assertThat(cycle.find()).as(crux).isTrue();
        Path published = work.resolve("data/out/csv").resolve(cycle.group(4));
        assertThat(CsvExports.in(published.getParent()).files()).contains(published);
        long rows = CsvExports.in(published.getParent()).delivered().stream()
                .filter(k -> k.startsWith("crux-demo:")).count();
        assertThat(Long.parseLong(cycle.group(1))).as("csv count is the published file's rows").isEqualTo(rows);
        // the demo routes ACTIVE to csv and webhook, PENDING to email, INACTIVE to webhook
        assertThat(Long.parseLong(cycle.group(2)) + Long.parseLong(cycle.group(3))).isEqualTo(50);
        assertThat(events).anyMatch(l -> l.matches(".* Cycle of terminal-demo succeeded in \\d+\\.\\d s: 8 polled, .*"));
    }

    @Test
    void jsonFormatWritesOneMaskedJsonObjectPerLine() throws Exception {
        // a third source whose upstream refuses, quoting the token back in its error
        leaky.stubFor(get("/timp/organizations/connections/").willReturn(aResponse().withStatus(403)
                .withBody("{\"detail\":\"token " + LEAKY_TOKEN + " is not allowed\",\"auth_token\":\"" + LEAKY_TOKEN
                        + "\"}")));

        Run run = demoOnce(Map.of(
                "RELAY_LOG_FORMAT", "json",
                "RELAY_SOURCES", "crux-demo,terminal-demo,crux-leaky",
                "RELAY_SOURCE_CRUX_LEAKY_VENDOR", "crux",
                "RELAY_SOURCE_CRUX_LEAKY_BASE_URL", leaky.baseUrl(),
                "RELAY_SOURCE_CRUX_LEAKY_TOKEN", LEAKY_TOKEN));

        assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : run.stdout()) {
            JsonNode json = mapper.readTree(line);
            assertThat(json.isObject()).as(line).isTrue();
            assertThat(json.fieldNames()).toIterable().as(line)
                    .contains("timestamp", "level", "logger", "thread", "message");
            assertThat(json.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            lines.add(json);
        }
        assertThat(String.join("\n", run.stdout()) + run.stderr()).doesNotContain(LEAKY_TOKEN);
        assertThat(lines).as("the failure is logged, its credential masked")
                .anyMatch(l -> l.path("message").asText().contains("crux-leaky")
                        && l.path("message").asText().contains(SecretMasker.MASK));

        assertThat(cycleLine(lines, "crux-demo").path("level").asText()).isEqualTo("INFO");
        assertThat(cycleLine(lines, "crux-demo").path("message").asText())
                .startsWith("Cycle of crux-demo succeeded in ");
        JsonNode failed = cycleLine(lines, "crux-leaky");
        assertThat(failed.path("level").asText()).isEqualTo("WARN");
        assertThat(failed.path("message").asText()).startsWith("Cycle of crux-leaky FAILED after ");
        assertThat(failed.path("mdc").path("cycle").asText()).startsWith("crux-leaky-");
        assertThat(lines).last().satisfies(summary -> assertThat(summary.path("message").asText())
                .startsWith("=== connection-relay one-shot summary ===").endsWith("Result: FAILED"));
    }

    private static JsonNode cycleLine(List<JsonNode> lines, String source) {
        return lines.stream().filter(l -> l.path("logger").asText().endsWith("CycleLog"))
                .filter(l -> l.path("mdc").path("source").asText().equals(source))
                .filter(l -> !l.path("message").asText().contains(" running for ")).findFirst().orElseThrow();
    }

    /** RelayMain --once in the demo profile, from a folder holding the shipped config/ and routes/. */
    private Run demoOnce(Map<String, String> environment) throws Exception {
        Files.createSymbolicLink(work.resolve("config"), Path.of("config").toAbsolutePath());
        Files.createSymbolicLink(work.resolve("routes"), Path.of("routes").toAbsolutePath());
        // without the test classes, whose logback-test.xml would replace the shipped logback.xml; not
        // support/ChildRelay, which runs the prod profile from the project folder and mixes in stderr
        String all = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String classpath = Arrays.stream(all.split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        ProcessBuilder relay = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, RelayMain.class.getName(), "--once")
                .directory(work.toFile())
                .redirectOutput(work.resolve("stdout.txt").toFile())
                .redirectError(work.resolve("stderr.txt").toFile());
        relay.environment().keySet().removeIf(name -> name.startsWith("RELAY_") || name.startsWith("CAMEL_"));
        relay.environment().put("CAMEL_SERVER_PORT", String.valueOf(Http.freePort()));
        relay.environment().putAll(environment);
        Process process = relay.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the demo's --once did not finish in 5 minutes");
        }
        return new Run(process.exitValue(), Files.readAllLines(work.resolve("stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(work.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }

    private static String group(Pattern pattern, String line, int group) {
        Matcher matcher = pattern.matcher(line);
        assertThat(matcher.matches()).isTrue();
        return matcher.group(group);
    }
}
