package io.connectionrelay.deliver.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    // the Standard Webhooks reference vector: a receiver's own library must accept what we send
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TIMESTAMP = 1614265330;
    static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    final WebhookSigner signer = WebhookSigner.fromSecret(SECRET);
    final Instant then = Instant.ofEpochSecond(TIMESTAMP);

    @Test
    void reproducesTheReferenceSignature() {
        assertThat(signer.sign(ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
    }

    @Test
    void verifiesOneOfSeveralSignaturesSoSecretsCanRotate() {
        assertThat(signer.verify(ID, String.valueOf(TIMESTAMP), BODY, "v1,bm9wZQ== " + SIGNATURE, then)).isTrue();
    }

    @Test
    void rejectsATamperedBodyAnotherIdOrAnotherSecret() {
        byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
        assertThat(signer.verify(ID, String.valueOf(TIMESTAMP), tampered, SIGNATURE, then)).isFalse();
        assertThat(signer.verify("msg_other", String.valueOf(TIMESTAMP), BODY, SIGNATURE, then)).isFalse();
        WebhookSigner other = WebhookSigner.fromSecret("whsec_Y3JtLWItdGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=");
        assertThat(other.verify(ID, String.valueOf(TIMESTAMP), BODY, SIGNATURE, then)).isFalse();
    }

    @Test
    void rejectsTimestampsMoreThanFiveMinutesAway() {
        assertThat(signer.verify(ID, String.valueOf(TIMESTAMP), BODY, SIGNATURE, then.plusSeconds(300))).isTrue();
        assertThat(signer.verify(ID, String.valueOf(TIMESTAMP), BODY, SIGNATURE, then.plusSeconds(301))).isFalse();
        assertThat(signer.verify(ID, String.valueOf(TIMESTAMP), BODY, SIGNATURE, then.minusSeconds(301))).isFalse();
        assertThat(signer.verify(ID, "yesterday", BODY, SIGNATURE, then)).isFalse();
    }

    @Test
    void refusesMalformedSecretsWithoutQuotingThem() {
        assertThatThrownBy(() -> WebhookSigner.fromSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .hasMessageContaining("whsec_").hasMessageNotContaining("MfKQ9r8G");
        assertThatThrownBy(() -> WebhookSigner.fromSecret("whsec_not base64!"))
                .hasMessageContaining("base64").hasMessageNotContaining("not base64!");
        assertThatThrownBy(() -> WebhookSigner.fromSecret("whsec_c2hvcnQ="))
                .hasMessageContaining("24 to 64 bytes");
        assertThat(signer.toString()).doesNotContain("MfKQ");
    }
}
