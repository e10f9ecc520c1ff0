package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.connectionrelay.poll.TerminalApi;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.GreenMailDigests;
import io.connectionrelay.support.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay is stopped with work in flight and a camel.main.shutdown-timeout too short for it, so
 * Camel forces the stop, then a new relay (a new Camel Main) starts on the same data folders and
 * state database. What the first relay did not deliver, the second delivers; nothing is delivered
 * by both.
 */
class AbruptStopTest extends FaultCase {

    @Override
    protected void fault(Properties p) {
        p.put("camel.main.shutdown-timeout", "1");
        // a slow subscriber answers within its timeout, but not within the shutdown timeout
        p.put("relay.webhook.timeout", "5s");
        p.put("relay.webhook.concurrency", "2");
    }

    /** These tests run relays of their own, on the harness's settings. */
    @BeforeEach
    void noHarnessRelay() {
        context.stop();
    }

    @Test
    void aStopWhileWebhooksAreInFlightLosesNothingAndRepeatsNothing() throws Exception {
        upstreamAnswers(connections());
        subscriberAnswers(ok().withFixedDelay(2500));

        RelayProcess first = RelayProcess.start(useOverridePropertiesWithPropertiesComponent());
        try {
            first.poll(SOURCE);
            await().atMost(Duration.ofSeconds(10)).until(() -> webhooks().received().size() >= 2);
        } finally {
            first.stop();
        }

        // the stop was abrupt: the CSV was out, most webhooks were still queued
        assertThat(csv().delivered()).containsAll(payload.keys(SOURCE));
        assertThat(webhooks().received()).hasSizeLessThan(payload.size());
        invariant().assertNothingDeliveredTwice();

        subscriberRecovers();
        RelayProcess second = RelayProcess.start(useOverridePropertiesWithPropertiesComponent());
        try {
            assertThat(second.runOnce()).isZero();
        } finally {
            second.stop();
        }

        invariant().assertEverythingDelivered();
        assertNoDeadLetters();
    }

    @Test
    void aStopMidCycleLosesNothingAndRepeatsNothing() throws Exception {
        Properties settings = terminalSource(useOverridePropertiesWithPropertiesComponent());
        // page 2 below takes 4 s: more than the read timeout the other families use
        settings.put("camel.component.http.so-timeout", "10000");
        settings.put("camel.component.http.response-timeout", "10000");
        // page 2 is slow the first time it is asked for: the cycle stops there, page 1 delivered
        crux.stubFor(TerminalApi.page(TERMINAL_KEY, 2, TerminalApi.CURSOR_2).inScenario("slow page")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("served")
                .willReturn(okJson(Fixtures.text("terminal/page-2.json")).withFixedDelay(4000)));
        List<String> keys = terminalKeys();

        RelayProcess first = RelayProcess.start(settings);
        CompletableFuture<Void> cycle;
        try {
            cycle = CompletableFuture.runAsync(() -> first.poll(TERMINAL));
            await().atMost(Duration.ofSeconds(10)).until(() -> webhooks().delivered().size() >= 2
                    && crux.getAllServeEvents().stream().anyMatch(e -> e.getRequest().getUrl().contains("cursor=")));
        } finally {
            first.stop();
        }

        // the interrupted cycle published no CSV; page 1's webhooks are out
        assertThat(csv().files()).isEmpty();
        assertThat(webhooks().delivered()).hasSize(2);
        RelayProcess second = RelayProcess.start(settings);
        try {
            assertThat(second.runOnce()).isZero();
        } finally {
            second.stop();
        }
        // the stopped relay's cycle got page 2 by now, and was refused any further step
        cycle.exceptionally(e -> null).join();

        invariantFor(keys).assertEverythingDelivered();
        assertThat(webhooks().received()).as("page 1's connections were not sent again").hasSize(keys.size());
        assertThat(csv().files()).hasSize(1);
        assertNoDeadLetters();
    }

    /**
     * Digests gather over the cycle and go out when it ends: a cycle stopped before its end sends
     * none and keeps none (it is polled again), and the next cycle's digests list every connection
     * once.
     */
    @Test
    void aStopMidCycleLosesNoDigest() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(Http.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            Properties settings = terminalSource(useOverridePropertiesWithPropertiesComponent());
            settings.put("camel.component.http.so-timeout", "10000");
            settings.put("camel.component.http.response-timeout", "10000");
            for (String status : List.of("active", "pending", "inactive")) {
                settings.put("relay.routing." + status, "csv,webhook,email");
            }
            settings.put("relay.email.from", "Connection Relay <relay@relay.example>");
            settings.put("relay.email.smtp.host", "127.0.0.1");
            settings.put("relay.email.smtp.port", String.valueOf(smtp.getSmtp().getPort()));
            settings.put("relay.email.smtp.security", "none");
            settings.put("relay.email.attach-csv", "true");
            crux.stubFor(TerminalApi.page(TERMINAL_KEY, 2, TerminalApi.CURSOR_2).inScenario("slow page")
                    .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("served")
                    .willReturn(okJson(Fixtures.text("terminal/page-2.json")).withFixedDelay(4000)));
            List<String> keys = terminalKeys();
            GreenMailDigests digests = GreenMailDigests.of(smtp);

            RelayProcess first = RelayProcess.start(settings);
            CompletableFuture<Void> cycle;
            try {
                cycle = CompletableFuture.runAsync(() -> first.poll(TERMINAL));
                await().atMost(Duration.ofSeconds(10)).until(() -> crux.getAllServeEvents().stream()
                        .anyMatch(e -> e.getRequest().getUrl().contains("cursor=")));
            } finally {
                first.stop();
            }
            assertThat(digests.received()).as("no window closed in the stopped cycle").isZero();

            RelayProcess second = RelayProcess.start(settings);
            try {
                assertThat(second.runOnce()).isZero();
            } finally {
                second.stop();
            }
            cycle.exceptionally(e -> null).join();

            invariantFor(keys).observedBy(digests).assertEverythingDelivered();
            assertNoDeadLetters();
        } finally {
            smtp.stop();
        }
    }

    void assertNoDeadLetters() {
        assertThat(dataDir().resolve("dead-letter").toFile().list()).isNullOrEmpty();
    }
}
