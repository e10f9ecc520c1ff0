package io.connectionrelay.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.RecordMappingException;
import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint of a failure, as the stores compute it from what they keep (masked): the same
 * failure of the same thing, whenever and in whichever cycle it happened, whatever secret or
 * volatile value it carried, has one fingerprint; another thing, reason, answer, target or step
 * has another.
 */
class FailureFingerprintTest {

    private final SecretMasker masker = new SecretMasker(new Settings(new DefaultCamelContext()));

    @Test
    void theSameFailureInAnotherCycleAtAnotherTimeWithOtherSecretsIsTheSame() throws IOException {
        masker.remember("session-token-aaaa1111");
        masker.remember("session-token-bbbb2222");
        String first = fingerprint(letter("cycle-crux-a-1763899380000",
                "element c3081fd8 refused at 2026-11-23T12:03:01.518Z after 12 ms (token session-token-aaaa1111)",
                "{\"uuid\":\"c3081fd8\",\"status\":\"SUSPENDED\",\"auth_token\":\"abc\"}", "crm-a", null),
                Instant.parse("2026-11-23T12:03:01Z"));
        String again = fingerprint(letter("cycle-crux-a-1763903000000",
                "element c3081fd8 refused at 2026-11-23T13:03:20.001Z after 7 ms (token session-token-bbbb2222)",
                "{\"uuid\":\"c3081fd8\",\"status\":\"SUSPENDED\",\"auth_token\":\"xyz\"}", "crm-a", null),
                Instant.parse("2026-11-23T13:03:20Z"));

        assertThat(again).isEqualTo(first).hasSize(64);
    }

    @Test
    void anotherRecordReasonAnswerTargetOrStepIsAnotherFailure() throws IOException {
        Instant now = Instant.parse("2026-11-23T12:00:00Z");
        DeadLetter base = letter("cycle-1", "unknown vendor status 'SUSPENDED'", "{\"uuid\":\"a\"}", "crm-a", null);
        String fingerprint = fingerprint(base, now);

        assertThat(fingerprint(letter("cycle-1", "unknown vendor status 'SUSPENDED'", "{\"uuid\":\"b\"}", "crm-a",
                null), now)).as("another record").isNotEqualTo(fingerprint);
        assertThat(fingerprint(letter("cycle-1", "no connection id", "{\"uuid\":\"a\"}", "crm-a", null), now))
                .as("another reason").isNotEqualTo(fingerprint);
        assertThat(fingerprint(letter("cycle-1", "unknown vendor status 'SUSPENDED'", "{\"uuid\":\"a\"}", "crm-a",
                503), now)).as("another answer").isNotEqualTo(fingerprint);
        assertThat(fingerprint(letter("cycle-1", "unknown vendor status 'SUSPENDED'", "{\"uuid\":\"a\"}", "crm-b",
                null), now)).as("another subscriber").isNotEqualTo(fingerprint);
        DeadLetter otherStep = new DeadLetter(base.stage(), "normalize-terminal", base.source(), base.channel(),
                base.error(), 1, base.payload(), base.replayUri(), base.properties(), Map.of(), null, null);
        assertThat(fingerprint(otherStep, now)).as("another step").isNotEqualTo(fingerprint);
    }

    @Test
    void theReasonKeepsItsWordsAndLeavesOutThoseWithDigits() {
        assertThat(FailureFingerprint.stableReason(
                "UpstreamException: crux-a answered HTTP 503 for http://crux.example:8080/timp at 2026-11-23T12:03:01Z "
                        + "(request 6b062210-6f5f-45bb-bf9a-100574368013)"))
                .isEqualTo("UpstreamException: crux-a answered HTTP # for http://crux.example:#/timp at #:#:# "
                        + "(request #)");
    }

    private String fingerprint(DeadLetter letter, Instant at) throws IOException {
        byte[] sha256 = MaskedPayload.copy(letter.payload(), new ByteArrayOutputStream(), masker);
        return DeadLetterEntry.of("id", letter, null, at, 0, sha256, masker).fingerprint();
    }

    private static DeadLetter letter(String cycle, String reason, String payload, String subscriber, Integer status) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("relaySource", "crux-a");
        properties.put("relayCycle", cycle);
        properties.put("relaySubscriber", subscriber);
        return new DeadLetter("normalize", "normalize-crux", "crux-a", null, new RecordMappingException(reason), 1,
                payload, "direct:normalize-crux", properties, Map.of("webhook-id", "msg_" + cycle), status, null);
    }
}
