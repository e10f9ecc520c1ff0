package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.util.Collection;
import java.util.List;
import java.util.Properties;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.connectionrelay.app.DeadLetterCommands;
import io.connectionrelay.poll.TerminalApi;
import io.connectionrelay.support.CsvExports;
import io.connectionrelay.support.DeliveryInvariant;
import io.connectionrelay.support.DeliveryObserver;
import io.connectionrelay.support.RelayTestSupport;
import io.connectionrelay.support.WebhookLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One fault family per subclass, all against the same relay: a Crux source (WireMock) whose every
 * record is routed to the csv AND the webhook channel (one subscriber, WireMock), and the same
 * invariant ({@link DeliveryInvariant}) checked after the fault and again after it clears.
 * Retries and timeouts are tiny so the suite stays fast.
 */
abstract class FaultCase extends RelayTestSupport {

    static final String SOURCE = "crux-a";
    static final String CONNECTIONS = "/timp/organizations/connections/";
    static final String LOGIN = "/timp/organizations/user-login/";
    static final String HOOKS = "/hooks";
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String TERMINAL = "term-a";
    static final String TERMINAL_KEY = "sk_test_terminal_9f8e7d6c5b4a";
    /** The hostile fixture's connections, one per status; the generated ones follow them. */
    static final List<String> FIXTURE_CONNECTIONS = List.of("c3081fd8-202b-47f2-9347-63d3c27028f1",
            "6b062210-6f5f-45bb-bf9a-100574368013", "0db8f846-cd78-4b13-b6b4-3e2880fc7eac");

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** 3 fixture connections (one per status) and 7 generated ones. */
    final FaultPayload payload = FaultPayload.crux(7);

    @Override
    protected final void testProperties(Properties p) {
        p.put("relay.sources", SOURCE);
        p.put("relay.source." + SOURCE + ".vendor", "crux");
        p.put("relay.source." + SOURCE + ".base-url", crux.baseUrl());
        p.put("relay.source." + SOURCE + ".token", "fixed-token-123");
        p.put("relay.upstream.retry.max-retries", "3");
        p.put("relay.upstream.retry.max-delay", "200ms");
        p.put("camel.component.http.so-timeout", "1000");
        p.put("camel.component.http.response-timeout", "1000");
        for (String status : List.of("active", "pending", "inactive")) {
            p.put("relay.routing." + status, "csv,webhook");
        }
        p.put("relay.webhook.subscribers", "crm-a");
        p.put("relay.webhook.subscriber.crm-a.url", crm.baseUrl() + HOOKS);
        p.put("relay.webhook.subscriber.crm-a.secret", SECRET);
        p.put("relay.webhook.max-retries", "2");
        p.put("relay.webhook.timeout", "2s");
        p.put("relay.webhook.retry.initial-delay", "20ms");
        p.put("relay.webhook.retry.max-delay", "200ms");
        fault(p);
    }

    /** This family's settings on top of the shared ones. */
    protected void fault(Properties p) {
    }

    /** Unless a test says otherwise, the subscriber accepts every event. */
    @BeforeEach
    void subscriberAcceptsByDefault() {
        acceptEveryEvent();
    }

    /** The subscriber is fixed: it accepts every event from now on. Its request log is kept, for the invariant. */
    static void subscriberRecovers() {
        crm.resetMappings();
        crm.resetScenarios();
        acceptEveryEvent();
    }

    /** At a lower priority than any stub a test adds. */
    private static void acceptEveryEvent() {
        crm.stubFor(post(urlPathEqualTo(HOOKS)).atPriority(10).willReturn(ok()));
    }

    /** The upstream answers GET connections with these, one per poll; the last one repeats. */
    static void upstreamAnswers(ResponseDefinitionBuilder... inTurn) {
        String state = Scenario.STARTED;
        for (int i = 0; i < inTurn.length; i++) {
            String next = i == inTurn.length - 1 ? state : "answer-" + (i + 1);
            crux.stubFor(get(CONNECTIONS).inScenario("polls").whenScenarioStateIs(state)
                    .willReturn(inTurn[i]).willSetStateTo(next));
            state = next;
        }
    }

    /** The subscriber answers every event with this. */
    static void subscriberAnswers(ResponseDefinitionBuilder answer) {
        crm.stubFor(post(urlPathEqualTo(HOOKS)).willReturn(answer));
    }

    /**
     * The subscriber answers the first attempts at each of these connections' events with these,
     * then accepts them. Per event rather than per request: an event's attempts come one after
     * the other, whereas concurrent requests race through a WireMock scenario.
     */
    static void subscriberFirstAnswers(List<String> connectionIds, ResponseDefinitionBuilder... firstAttempts) {
        for (String id : connectionIds) {
            String state = Scenario.STARTED;
            for (int i = 0; i < firstAttempts.length; i++) {
                String next = "attempt-" + (i + 2);
                crm.stubFor(post(urlPathEqualTo(HOOKS)).withRequestBody(matchingJsonPath("$.data.connectionId", equalTo(id)))
                        .inScenario("events of " + id).whenScenarioStateIs(state)
                        .willReturn(firstAttempts[i]).willSetStateTo(next));
                state = next;
            }
        }
    }

    ResponseDefinitionBuilder connections() {
        return okJson(payload.json());
    }

    CsvExports csv() {
        return CsvExports.in(dataDir().resolve("out/csv"));
    }

    static WebhookLog webhooks() {
        return WebhookLog.of(crm, HOOKS);
    }

    DeliveryInvariant invariant() {
        return invariantFor(payload.keys(SOURCE));
    }

    /** The invariant over other records than the Crux payload's. */
    DeliveryInvariant invariantFor(Collection<String> keys) {
        return DeliveryInvariant.forRecords(keys)
                .observedBy(channels())
                .deadLettersIn(dataDir().resolve("dead-letter"));
    }

    /**
     * The receiving side of every channel the records are routed to. A family that routes to
     * another channel too (routing set in {@link #fault}) adds that channel's observer here.
     */
    DeliveryObserver[] channels() {
        return new DeliveryObserver[] {csv(), webhooks()};
    }

    /**
     * The relay with one Terminal source instead of the Crux one, for a relay the test starts
     * itself ({@link RelayProcess}): the upstream WireMock serves Terminal's three pages (two
     * connections a page) and each connection's details.
     */
    static Properties terminalSource(Properties settings) {
        settings.put("relay.sources", TERMINAL);
        settings.put("relay.source." + TERMINAL + ".vendor", "terminal");
        settings.put("relay.source." + TERMINAL + ".base-url", crux.baseUrl() + TerminalApi.BASE);
        settings.put("relay.source." + TERMINAL + ".api-key", TERMINAL_KEY);
        settings.put("relay.source." + TERMINAL + ".page-limit", "2");
        TerminalApi.stubPages(crux, TERMINAL_KEY, 2);
        TerminalApi.stubCurrentForAll(crux, TERMINAL_KEY);
        return settings;
    }

    static List<String> terminalKeys() {
        return TerminalApi.items().keySet().stream().map(id -> TERMINAL + ":" + id).toList();
    }

    /** What an operator does once the fault has cleared: relay --replay. */
    boolean replayDeadLetters() throws Exception {
        return DeadLetterCommands.replay(context, deadLetters(), null);
    }
}
