package io.connectionrelay.deliver.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code webhook-signature} is {@code v1,} followed by the base64
 * HMAC-SHA256 of {@code "{webhook-id}.{webhook-timestamp}.{body}"}, keyed with the base64-decoded
 * part of a {@code whsec_} secret. Receivers accept a space-separated list of signatures, so a
 * secret can be rotated, and reject timestamps more than five minutes away from their clock.
 */
public final class WebhookSigner {

    public static final String SECRET_PREFIX = "whsec_";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    private WebhookSigner(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /**
     * @throws IllegalArgumentException when the secret is not whsec_ and 24 to 64 base64 bytes; the
     *                                  message never contains the secret
     */
    public static WebhookSigner fromSecret(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("a Standard Webhooks secret starts with " + SECRET_PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the part after " + SECRET_PREFIX + " is not base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("the part after " + SECRET_PREFIX
                    + " must decode to 24 to 64 bytes (it decodes to " + key.length + ")");
        }
        return new WebhookSigner(key);
    }

    /** The webhook-signature value for one attempt. */
    public String sign(String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /**
     * The receiver's check: one of the signatures matches (compared in constant time) and the
     * timestamp is within {@link #TOLERANCE} of {@code now}, so a captured request cannot be
     * replayed later.
     */
    public boolean verify(String id, String timestamp, byte[] body, String signatures, Instant now) {
        if (id == null || timestamp == null || body == null || signatures == null) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            return false;
        }
        byte[] expected = sign(id, seconds, body).getBytes(StandardCharsets.UTF_8);
        for (String candidate : signatures.trim().split(" +")) {
            if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "WebhookSigner(****)";
    }
}
