package io.connectionrelay.deadletter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.connectionrelay.core.CycleContext;

/**
 * Which dead letters are one failure: a record, cycle or delivery that fails the same way in
 * every cycle is one entry, counted and updated, not one more each time (as an alerting system
 * groups repeats of one alert by its fingerprint). Two failures are one when all of these match:
 * <ul>
 *   <li>stage, step, source and channel: the same step failed for the same source;</li>
 *   <li>the properties a replay needs, but the cycle's id: they say where the payload goes again
 *       (a webhook's subscriber and event, the connection a details call was for, a digest's
 *       list), while the cycle only says which run happened to carry it;</li>
 *   <li>the answer's HTTP status, and the reason (error type and message) with every word that
 *       holds a digit left out: the words say what went wrong, while times, counts, byte
 *       offsets and request or file ids differ between occurrences of one failure, and what
 *       they would pin down is pinned by the payload;</li>
 *   <li>the SHA-256 of the payload as stored: two records failing the same way are two things
 *       to replay, and an entry's payload never has to be rewritten by a repeat (its bytes are
 *       the same), so a replay reading it is never disturbed.</li>
 * </ul>
 * Headers are left out: a CSV's published name and a webhook's id and timestamp are made anew
 * for each message, whatever it carries. Everything is taken after secrets are masked, so a
 * token that changes at each login changes nothing, and no secret reaches the fingerprint.
 */
final class FailureFingerprint {

    private static final Pattern HOLDS_A_DIGIT = Pattern.compile("[\\w.+-]*\\d[\\w.+-]*");
    private static final char FIELD_END = '\u001f';

    private FailureFingerprint() {
    }

    /** 64 hex digits; every value is a masked one, as it is stored. */
    static String of(String stage, String step, String source, String channel, Map<String, String> properties,
            Integer httpStatus, String reason, byte[] payloadSha256) {
        StringBuilder text = new StringBuilder();
        for (Object field : new Object[] {stage, step, source, channel, httpStatus, stableReason(reason)}) {
            text.append(field).append(FIELD_END);
        }
        new TreeMap<>(properties).forEach((name, value) -> {
            if (!CycleContext.CYCLE.equals(name)) {
                text.append(name).append('=').append(value).append(FIELD_END);
            }
        });
        MessageDigest sha256 = sha256();
        sha256.update(text.toString().getBytes(StandardCharsets.UTF_8));
        sha256.update(payloadSha256);
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** The reason without its words that hold a digit. */
    static String stableReason(String reason) {
        return reason == null ? null : HOLDS_A_DIGIT.matcher(reason).replaceAll("#");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
