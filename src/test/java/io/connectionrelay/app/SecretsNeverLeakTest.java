package io.connectionrelay.app;

import io.connectionrelay.core.SecretMasker;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.OutputStreamAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import io.connectionrelay.trace.TraceWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No credential reaches a log line or a dead-letter file, even when upstreams echo them back in
 * error bodies and the HTTP client's wire log is switched on. Log lines are captured as the
 * production logging configuration (src/main/resources/logback.xml) renders them.
 */
class SecretsNeverLeakTest extends RelayTestSupport {

    static final String PASSWORD = "s3cret-pass-9f2c";
    static final String FIXED_TOKEN = "fixed-token-5d81a7";
    static final String ISSUED_ONE = "issued-token-one-77ab";
    static final String ISSUED_TWO = "issued-token-two-c3d4";
    static final List<String> SECRETS = List.of(PASSWORD, FIXED_TOKEN, ISSUED_ONE, ISSUED_TWO);

    static final String LOGIN = "/login-account/timp/organizations/user-login/";
    static final String LOGIN_CONNECTIONS = "/login-account/timp/organizations/connections/";
    static final String TOKEN_CONNECTIONS = "/token-account/timp/organizations/connections/";

    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @BeforeAll
    static void renderLogsAsProductionDoes() throws Exception {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        configure(logging, SecretsNeverLeakTest.class.getResource("/logback.xml"));
        ((OutputStreamAppender<?>) logging.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE"))
                .setOutputStream(LOG);
        // someone chasing an incident switches on the HTTP client's wire and header logs
        logging.getLogger("org.apache.hc.client5.http").setLevel(Level.DEBUG);
    }

    @AfterAll
    static void restoreTestLogging() throws Exception {
        configure((LoggerContext) LoggerFactory.getILoggerFactory(),
                SecretsNeverLeakTest.class.getResource("/logback-test.xml"));
    }

    private static void configure(LoggerContext logging, URL file) throws Exception {
        logging.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(logging);
        configurator.doConfigure(file);
    }

    @Override
    protected void testProperties(Properties p) {
        p.put("relay.sources", "crux-login,crux-fixed");
        p.put("relay.source.crux-login.vendor", "crux");
        p.put("relay.source.crux-login.base-url", crux.baseUrl() + "/login-account");
        p.put("relay.source.crux-login.username", "ops@example.com");
        p.put("relay.source.crux-login.password", PASSWORD);
        p.put("relay.source.crux-fixed.vendor", "crux");
        p.put("relay.source.crux-fixed.base-url", crux.baseUrl() + "/token-account");
        p.put("relay.source.crux-fixed.token", FIXED_TOKEN);
        p.put("relay.upstream.retry.max-retries", "2");
    }

    @Test
    void noCredentialInAnyLogLineDeadLetterFileOrTrace() throws Exception {
        // login account: both issued tokens are rejected, and the 401 body quotes the token back
        crux.stubFor(post(LOGIN).inScenario("login").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"auth_token\":\"" + ISSUED_ONE + "\",\"org_uuid\":\"x\"}")).willSetStateTo("again"));
        crux.stubFor(post(LOGIN).inScenario("login").whenScenarioStateIs("again")
                .willReturn(okJson("{\"auth_token\":\"" + ISSUED_TWO + "\",\"org_uuid\":\"x\"}")));
        for (String token : List.of(ISSUED_ONE, ISSUED_TWO)) {
            crux.stubFor(get(LOGIN_CONNECTIONS).withHeader("Authorization", equalTo("Token " + token))
                    .willReturn(aResponse().withStatus(401).withBody("{\"detail\":\"Invalid token " + token + "\"}")));
        }
        // token account: a proxy answers 503 and quotes the request's headers
        crux.stubFor(get(TOKEN_CONNECTIONS).willReturn(aResponse().withStatus(503)
                .withBody("upstream unavailable; request was GET with Authorization: Token " + FIXED_TOKEN)));

        assertThat(runOnce()).isEqualTo(1);

        // then a truncated body that happens to carry credentials
        String full = Fixtures.text("crux-connections.json");
        String truncated = full.substring(0, full.length() / 2).replaceFirst("\\{",
                "{\"auth_token\":\"" + ISSUED_ONE + "\",\"password\":\"" + PASSWORD + "\",\"note\":\"" + FIXED_TOKEN + "\",");
        crux.stubFor(get(TOKEN_CONNECTIONS).willReturn(okJson(truncated)));

        assertThat(runOnce()).isEqualTo(1);

        crux.verify(4, getRequestedFor(urlEqualTo(TOKEN_CONNECTIONS)).withHeader("Authorization",
                equalTo("Token " + FIXED_TOKEN)));
        List<DeadLetterEntry> entries = deadLetters().list();
        // the login account's 401 in both cycles, quoting a token masked: one failure, counted twice
        assertThat(entries).extracting(DeadLetterEntry::httpStatus, DeadLetterEntry::occurrences)
                .containsExactlyInAnyOrder(tuple(401, 2), tuple(503, 1), tuple(200, 1));

        String log = LOG.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the capture saw the failures and the wire log")
                .contains("Dead-lettered", "http-outgoing", "Authorization: Token " + SecretMasker.MASK);
        for (String secret : SECRETS) {
            assertThat(log).as("log lines").doesNotContain(secret);
        }
        try (Stream<Path> files = Files.walk(deadLetters().folder())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(file);
                for (String secret : SECRETS) {
                    assertThat(content).as(file.getFileName().toString()).doesNotContain(secret);
                }
            }
        }
        // the trace keeps each failure's reason, masked as in the entry
        assertThat(context.getRegistry().lookupByNameAndType("traceWriter", TraceWriter.class)
                .awaitWritten(Duration.ofSeconds(10))).isTrue();
        List<String> trace = new ArrayList<>();
        try (Connection connection = context.getRegistry().lookupByNameAndType("relayDataSource", DataSource.class)
                .getConnection(); ResultSet rows = connection.createStatement().executeQuery(
                        "SELECT step, outcome, detail, entries FROM relay_trace")) {
            while (rows.next()) {
                trace.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " "
                        + rows.getString(4));
            }
        }
        assertThat(trace).filteredOn(row -> row.startsWith("poll dead-lettered")).hasSize(4);
        for (String secret : SECRETS) {
            assertThat(trace).as("trace").noneMatch(row -> row.contains(secret));
        }
        DeadLetterEntry malformed = entries.stream().filter(e -> Integer.valueOf(200).equals(e.httpStatus()))
                .findFirst().orElseThrow();
        assertThat(Files.readString(deadLetters().payloadOf(malformed)))
                .startsWith("[\n  {\"auth_token\":\"****\",\"password\":\"****\",\"note\":\"****\",");
    }
}
