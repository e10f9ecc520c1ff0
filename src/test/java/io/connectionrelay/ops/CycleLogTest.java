package io.connectionrelay.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.poll.TerminalApi;
import io.connectionrelay.support.CsvExports;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The lines an operator reads about poll cycles: one per cycle, and progress while a long one runs. */
class CycleLogTest {

    static final String API_KEY = "sk_test_cycle_log";

    @RegisterExtension
    static WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    abstract static class LogCase extends RelayTestSupport {

        final ListAppender<ILoggingEvent> lines = new ListAppender<>();

        @BeforeEach
        void captureCycleLines() {
            lines.start();
            ((Logger) LoggerFactory.getLogger(CycleLog.class)).addAppender(lines);
        }

        @AfterEach
        void stopCapturing() {
            ((Logger) LoggerFactory.getLogger(CycleLog.class)).detachAppender(lines);
        }

        List<String> messages() {
            return lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    @Nested
    class ASlowTerminalCycle extends LogCase {

        @Override
        protected void testProperties(Properties p) {
            p.put("relay.sources", "term-a");
            p.put("relay.source.term-a.vendor", "terminal");
            p.put("relay.source.term-a.base-url", upstream.baseUrl() + TerminalApi.BASE);
            p.put("relay.source.term-a.api-key", API_KEY);
            p.put("relay.source.term-a.page-limit", "2");
            p.put("relay.log.progress-interval", "500ms");
            routeEverythingTo(p, "csv");
        }

        @Test
        void reportsProgressWhileItRunsThenOneLineWithWhatItDid() throws Exception {
            TerminalApi.stubPages(upstream, API_KEY, 2);
            TerminalApi.stubCurrentForAll(upstream, API_KEY);
            // the second page takes its time: the first page's records are routed meanwhile
            upstream.stubFor(TerminalApi.page(API_KEY, 2, TerminalApi.CURSOR_2)
                    .willReturn(okJson(Fixtures.text("terminal/page-2.json")).withFixedDelay(2000)));

            assertThat(runOnce()).isZero();

            List<String> messages = messages();
            List<ILoggingEvent> progress = lines.list.stream()
                    .filter(e -> e.getFormattedMessage().contains(" running for ")).toList();
            assertThat(progress).as("progress lines in %s", messages).hasSizeGreaterThanOrEqualTo(2)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .allMatch(m -> m.matches("Cycle of term-a running for \\d+\\.\\d s: \\d+ records? routed "
                            + "\\(csv \\d+\\) so far"));
            // the ages they give (rounded to 0.1 s) are an interval apart, however late the log thread ran
            for (int i = 1; i < progress.size(); i++) {
                assertThat(age(progress.get(i)) - age(progress.get(i - 1))).as("one progress line per interval")
                        .isGreaterThan(0.35);
            }
            String last = messages.get(messages.size() - 1);
            Matcher cycle = Pattern.compile("INFO Cycle of term-a succeeded in (\\d+\\.\\d) s: (\\d+) polled, "
                    + "(\\d+) records routed \\(csv (\\d+)\\), published (term-a-\\d{8}T\\d{9}Z\\.csv)").matcher(last);
            assertThat(cycle.matches()).as(last).isTrue();
            assertThat(Double.parseDouble(cycle.group(1))).isGreaterThanOrEqualTo(2.0);
            int items = TerminalApi.items().size();
            assertThat(cycle.group(2)).isEqualTo(String.valueOf(items));
            assertThat(cycle.group(3)).isEqualTo(String.valueOf(items));
            assertThat(cycle.group(4)).isEqualTo(String.valueOf(items));
            // the file the line names is the one published, with a row per record it counted
            CsvExports csv = CsvExports.in(dataDir().resolve("out/csv"));
            assertThat(csv.files()).extracting(Path::getFileName).extracting(Path::toString)
                    .containsExactly(cycle.group(5));
            assertThat(csv.delivered()).hasSize(items);
            assertThat(lines.list.get(lines.list.size() - 1).getMDCPropertyMap())
                    .containsEntry("source", "term-a").containsKey("cycle");
        }

        private double age(ILoggingEvent progressLine) {
            Matcher age = Pattern.compile("running for (\\d+\\.\\d) s").matcher(progressLine.getFormattedMessage());
            assertThat(age.find()).isTrue();
            return Double.parseDouble(age.group(1));
        }
    }

    @Nested
    class ProgressSwitchedOff extends LogCase {

        @Override
        protected void testProperties(Properties p) {
            p.put("relay.sources", "term-a");
            p.put("relay.source.term-a.vendor", "terminal");
            p.put("relay.source.term-a.base-url", upstream.baseUrl() + TerminalApi.BASE);
            p.put("relay.source.term-a.api-key", API_KEY);
            p.put("relay.source.term-a.page-limit", "2");
            p.put("relay.log.progress-interval", "0s");
            routeEverythingTo(p, "csv");
        }

        @Test
        void leavesOnlyTheCycleLine() throws Exception {
            TerminalApi.stubPages(upstream, API_KEY, 2);
            TerminalApi.stubCurrentForAll(upstream, API_KEY);
            upstream.stubFor(TerminalApi.page(API_KEY, 2, TerminalApi.CURSOR_2)
                    .willReturn(okJson(Fixtures.text("terminal/page-2.json")).withFixedDelay(1000)));

            assertThat(runOnce()).isZero();

            assertThat(messages()).singleElement().satisfies(m -> assertThat(m).startsWith("INFO Cycle of term-a succeeded"));
        }
    }

    @Nested
    class AFailedCycle extends LogCase {

        @Override
        protected void testProperties(Properties p) {
            cruxSource(p, upstream.baseUrl());
            p.put("relay.upstream.retry.max-retries", "0");
            routeEverythingTo(p, "csv");
        }

        @Test
        void isOneWarningThatPointsAtTheDeadLetters() throws Exception {
            upstream.stubFor(get("/timp/organizations/connections/").willReturn(aResponse().withStatus(503)));

            assertThat(runOnce()).isEqualTo(1);

            assertThat(messages()).singleElement().satisfies(m -> assertThat(m).matches(
                    "WARN Cycle of crux-a FAILED after \\d+\\.\\d s: no record routed before it failed; "
                            + "the dead letters say why \\(--dead-letters\\)"));
        }
    }
}
