package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.support.ChildRelay;
import io.connectionrelay.support.WebhookLog;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a webhook fan-out, then a restart on the same data: a 2xx the relay
 * recorded before the kill survives it, so the only events sent again are the ones that were in
 * flight (at most the subscriber's concurrency), whatever the state database's own defaults.
 */
class KillMidDeliveryTest {

    static final String SOURCE = "crux-a";
    static final String HOOKS = "/hooks";
    static final int CONCURRENCY = 2;

    @RegisterExtension
    static WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path data;

    final FaultPayload payload = FaultPayload.crux(400);

    @Test
    void resendsAfterAKillStayWithinTheEventsInFlight() throws Exception {
        upstream.stubFor(get(FaultCase.CONNECTIONS).willReturn(okJson(payload.json())));
        crm.stubFor(post(urlPathEqualTo(HOOKS)).willReturn(ok().withFixedDelay(10)));
        ChildRelay relay = ChildRelay.in(data)
                .set("relay.sources", SOURCE)
                .set("relay.source." + SOURCE + ".vendor", "crux")
                .set("relay.source." + SOURCE + ".base-url", upstream.baseUrl())
                .set("relay.source." + SOURCE + ".token", "fixed-token-123")
                .set("relay.routing.active", "webhook")
                .set("relay.routing.pending", "webhook")
                .set("relay.routing.inactive", "webhook")
                .set("relay.webhook.subscribers", "crm-a")
                .set("relay.webhook.subscriber.crm-a.url", crm.baseUrl() + HOOKS)
                .set("relay.webhook.subscriber.crm-a.secret", FaultCase.SECRET)
                .set("relay.webhook.concurrency", String.valueOf(CONCURRENCY));
        WebhookLog webhooks = WebhookLog.of(crm, HOOKS);

        try (ChildRelay.Run first = relay.start("--once")) {
            try {
                await().atMost(Duration.ofSeconds(240)).until(() -> webhooks.received().size() >= 150);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(webhooks.received().size() + " webhooks received; the relay's output:\n"
                        + first.output(), e);
            }
            first.kill();
            first.awaitExit(30);
        }
        int beforeKill = webhooks.received().size();
        assertThat(beforeKill).as("killed mid-delivery").isLessThan(payload.size());

        try (ChildRelay.Run second = relay.start("--once")) {
            assertThat(second.awaitExit(300)).as(second.output()).isZero();
        }

        // every connection accepted; repeats are bounded below, not forbidden: a kill cannot unsend a request
        assertThat(webhooks.delivered()).containsExactlyInAnyOrderElementsOf(payload.keys(SOURCE));
        Map<String, Long> acceptedPerConnection = webhooks.received().stream().filter(WebhookLog.Received::accepted)
                .collect(Collectors.groupingBy(WebhookLog.Received::key, Collectors.counting()));
        Map<String, Long> resent = acceptedPerConnection.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(resent).as("connections sent again after the kill (%d received before it)", beforeKill)
                .hasSizeLessThanOrEqualTo(CONCURRENCY);
    }
}
