package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;

/**
 * The Crux login token is rejected with 401 before its TTL is up (revoked, or the clocks
 * disagree): the relay logs in once more and goes on; a fresh token rejected too is not worth a
 * login storm and is dead-lettered.
 */
class ExpiredTokenTest extends FaultCase {

    @Override
    protected void fault(Properties p) {
        p.remove("relay.source." + SOURCE + ".token");
        p.put("relay.source." + SOURCE + ".username", "ops@example.com");
        p.put("relay.source." + SOURCE + ".password", "s3cret-pass");
    }

    /** Each login issues the next token: token-1, token-2, ... */
    static void loginsIssueFreshTokens(int count) {
        String state = Scenario.STARTED;
        for (int i = 1; i <= count; i++) {
            String next = "issued-" + i;
            crux.stubFor(post(LOGIN).inScenario("logins").whenScenarioStateIs(state)
                    .willReturn(okJson("{\"auth_token\":\"token-" + i + "\"}")).willSetStateTo(next));
            state = next;
        }
    }

    static ResponseDefinitionBuilder rejected() {
        return aResponse().withStatus(401).withBody("{\"detail\":\"Invalid token.\"}");
    }

    @Test
    void aTokenRejectedMidRunIsReplacedByOneLogin() throws Exception {
        loginsIssueFreshTokens(2);
        // token-1 serves the first cycle, then expires early
        crux.stubFor(get(CONNECTIONS).withHeader("Authorization", equalTo("Token token-1")).inScenario("token-1")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(connections()).willSetStateTo("expired"));
        crux.stubFor(get(CONNECTIONS).withHeader("Authorization", equalTo("Token token-1")).inScenario("token-1")
                .whenScenarioStateIs("expired").willReturn(rejected()));
        crux.stubFor(get(CONNECTIONS).withHeader("Authorization", equalTo("Token token-2")).willReturn(connections()));

        assertThat(runOnce()).isZero();
        assertThat(runOnce()).isZero();

        crux.verify(2, postRequestedFor(urlEqualTo(LOGIN)));
        crux.verify(2, getRequestedFor(urlEqualTo(CONNECTIONS)).withHeader("Authorization", equalTo("Token token-1")));
        crux.verify(1, getRequestedFor(urlEqualTo(CONNECTIONS)).withHeader("Authorization", equalTo("Token token-2")));
        invariant().assertEverythingDelivered();
        assertThat(csv().files()).hasSize(2);
        assertThat(deadLetters().list()).isEmpty();
    }

    @Test
    void aFreshTokenRejectedTooIsDeadLetteredAfterOneReLoginAndTheReplayDelivers() throws Exception {
        loginsIssueFreshTokens(3);
        crux.stubFor(get(CONNECTIONS).willReturn(rejected()));

        assertThat(runOnce()).isEqualTo(1);

        crux.verify(2, postRequestedFor(urlEqualTo(LOGIN)));
        crux.verify(2, getRequestedFor(urlEqualTo(CONNECTIONS)));
        invariant().assertHolds();
        assertThat(deadLetters().list()).singleElement().satisfies(e -> {
            assertThat(e.stage()).isEqualTo("poll");
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.attempts()).isEqualTo(2);
        });

        // the account is fixed: the third token works
        crux.stubFor(get(CONNECTIONS).withHeader("Authorization", equalTo("Token token-3")).willReturn(connections()));
        assertThat(replayDeadLetters()).isTrue();

        crux.verify(3, postRequestedFor(urlEqualTo(LOGIN)));
        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
    }
}
