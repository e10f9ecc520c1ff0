package io.connectionrelay.core;

import io.connectionrelay.core.MaskingJsonLayout;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * relay.log.format=json: one parseable object per line, every text field masked before it is
 * escaped, so a credential inside quotes, after its name or known by value never survives.
 */
class MaskingJsonLayoutTest {

    static final String KNOWN = "pw-\"quoted\\value";

    @Test
    void masksEveryFieldAndWritesOneLineOfJson() throws Exception {
        SecretMaskerTest.masker("relay.source.a.password", KNOWN);
        LoggerContext logging = new LoggerContext();
        LoggingEvent event = new LoggingEvent(getClass().getName(), logging.getLogger("io.connectionrelay.Test"),
                Level.WARN, "upstream said {} with Authorization: Token tok-abc123 and password {}",
                new IllegalStateException("body {\"auth_token\":\"sess-9f8e\"}"),
                new Object[] {"{\"auth_token\":\"sess-9f8e\"}", KNOWN});
        event.setMDCPropertyMap(Map.of("source", "crux-a", "cycle", "crux-a-1"));
        MaskingJsonLayout layout = new MaskingJsonLayout();
        layout.setContext(logging);
        layout.start();

        String line = layout.doLayout(event);

        assertThat(line).endsWith("\n").hasLineCount(1).doesNotContain("tok-abc123", "sess-9f8e", "quoted");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("logger").asText()).isEqualTo("io.connectionrelay.Test");
        assertThat(json.path("message").asText()).isEqualTo(
                "upstream said {\"auth_token\":\"****\"} with Authorization: Token **** and password ****");
        assertThat(json.path("mdc").path("source").asText()).isEqualTo("crux-a");
        assertThat(json.path("exception").asText())
                .startsWith("java.lang.IllegalStateException: body {\"auth_token\":\"****\"}")
                .contains("at io.connectionrelay.core.MaskingJsonLayoutTest");
        assertThat(json.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }
}
