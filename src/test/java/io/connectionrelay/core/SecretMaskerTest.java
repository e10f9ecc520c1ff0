package io.connectionrelay.core;

import io.connectionrelay.app.StartupSummary;
import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.Properties;
import java.util.Random;

import io.connectionrelay.core.RoutingTable;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** What is masked, and that masking a payload in pieces gives the same text as masking it whole. */
class SecretMaskerTest {

    static SecretMasker masker(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(properties);
        return new SecretMasker(new Settings(context));
    }

    @Test
    void masksConfiguredValuesAndWhateverFollowsACredentialsName() {
        SecretMasker masker = masker("relay.source.a.token", "tok-123456", "relay.source.a.base-url", "http://x");

        assertThat(masker.mask("sent tok-123456 to http://x")).isEqualTo("sent **** to http://x");
        assertThat(masker.mask(">> \"Authorization: Bearer sk_live_abc[\\r][\\n]\""))
                .isEqualTo(">> \"Authorization: Bearer ****[\\r][\\n]\"");
        assertThat(masker.mask("{Connection-Token=ct_9, Accept=application/json}"))
                .isEqualTo("{Connection-Token=****, Accept=application/json}");
        assertThat(masker.mask("GET /x?api_key=k1&page=2")).isEqualTo("GET /x?api_key=****&page=2");
        assertThat(masker.mask("{\"auth_token\": \"s\\\"ess\", \"org\":\"x\",\"password\":\"p\"}"))
                .isEqualTo("{\"auth_token\": \"****\", \"org\":\"x\",\"password\":\"****\"}");
        assertThat(masker.mask("Invalid token. Retry later")).isEqualTo("Invalid token. Retry later");
    }

    @Test
    void aPasswordInsideAUrlIsMaskedInEveryFormAndRememberedForBareRepeats() {
        SecretMasker masker = masker("relay.state.jdbc-url", "jdbc:postgresql://relay:pw-in-userinfo@db:5432/relay",
                "relay.other.jdbc-url", "jdbc:postgresql://db/relay?user=relay&password=pw-in-query&ssl=true",
                "relay.h2.jdbc-url", "jdbc:h2:tcp://db/relay;USER=relay;PASSWORD=pw-in-h2;MODE=PostgreSQL");

        assertThat(masker.mask("Cannot open jdbc:postgresql://relay:pw-in-userinfo@db:5432/relay"))
                .isEqualTo("Cannot open jdbc:postgresql://relay:****@db:5432/relay");
        assertThat(masker.mask("jdbc:postgresql://db/relay?user=relay&password=pw-in-query&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/relay?user=relay&password=****&ssl=true");
        assertThat(masker.mask("jdbc:h2:tcp://db/relay;USER=relay;PASSWORD=pw-in-h2;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:tcp://db/relay;USER=relay;PASSWORD=****;MODE=PostgreSQL");
        assertThat(masker.mask("driver said: pw-in-userinfo, pw-in-query, pw-in-h2"))
                .isEqualTo("driver said: ****, ****, ****");
        assertThat(masker.mask("https://api.example.com/x")).isEqualTo("https://api.example.com/x");
    }

    @Test
    void theStartupSummaryShowsTheStateDatabaseWithoutItsPassword() {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.put("relay.state.jdbc-url", "jdbc:postgresql://relay:pw-in-summary@db:5432/relay");
        context.getPropertiesComponent().setInitialProperties(properties);
        Settings settings = new Settings(context);

        assertThat(new StartupSummary(settings).render(context, new RoutingTable(settings)))
                .contains("state:        jdbc:postgresql://relay:****@db:5432/relay")
                .doesNotContain("pw-in-summary");
    }

    @Test
    void aRememberedCredentialIsMaskedInLogsToo() {
        masker().remember("session-77f0c1");

        assertThat(SecretMasker.process().mask("token session-77f0c1 expired")).isEqualTo("token **** expired");
    }

    @Test
    void streamingMasksLikeMaskingTheWholeText() throws Exception {
        SecretMasker masker = masker("relay.source.a.password", "pw-secret-value");
        String[] pieces = {"pw-secret-value", "\"token\":\"abcdef0123\"", "Authorization: Token zz-top-9",
                "{\"uuid\":\"x\",\"name\":\"Acme, Inc.\"}", "plain text ", "\n"};
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        while (text.length() < 400_000) {
            text.append(pieces[random.nextInt(pieces.length)]).append(random.nextBoolean() ? " " : ", ");
        }

        StringWriter streamed = new StringWriter();
        masker.copyMasked(new StringReader(text.toString()), streamed);

        String whole = masker.mask(text.toString());
        assertThat(streamed.toString()).isEqualTo(whole);
        assertThat(whole).doesNotContain("pw-secret-value", "abcdef0123", "zz-top-9").contains("Acme, Inc.");
    }
}
