package io.connectionrelay.deadletter;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.HttpFailure;
import io.connectionrelay.core.SecretMasker;

/**
 * One failure, as stored: what failed, when, how often it was tried, why, and where a replay
 * sends the saved payload (kept beside the entry, secrets masked). The same failure again (the
 * same {@link FailureFingerprint}, in a later cycle) updates the entry instead of adding one, and
 * so does a replay that fails again at the same step: failedAt moves on, attempts and
 * occurrences add up (and replays, for a replay), firstFailedAt stays.
 *
 * @param failedAt      when it failed last
 * @param firstFailedAt when it failed first
 * @param stage        poll, normalize, enrich, route or deliver (the failed route's id up to its first dash)
 * @param step         the route that failed
 * @param attempts     tries of that step in all, repeats and replays included
 * @param occurrences  how many failures the entry stands for: the first, each repeat, each replay that failed again
 * @param httpStatus   the upstream's answer, when the failure came with one
 * @param responseBody the start of the upstream's answer (2 KB), when it was an error status
 * @param replayUri    the endpoint that consumes the payload again
 * @param properties   the exchange properties the replayed stage needs (source, cycle, channel)
 * @param headers      message headers the replayed stage needs (never credentials)
 * @param fingerprint  what makes a later failure the same one ({@link FailureFingerprint}); an entry
 *                     keeps the one of its first failure
 */
public record DeadLetterEntry(
        String id,
        Instant failedAt,
        Instant firstFailedAt,
        String stage,
        String step,
        String source,
        String channel,
        int attempts,
        int replays,
        int occurrences,
        String error,
        Integer httpStatus,
        String responseBody,
        String replayUri,
        Map<String, String> properties,
        Map<String, String> headers,
        long payloadBytes,
        String fingerprint) {

    public DeadLetterEntry {
        // entries stored before failures were counted stand for one each
        occurrences = Math.max(occurrences, 1);
    }

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int BODY_SNIPPET = 2048;

    /** A new entry's id: when it failed (so ids sort by time), its stage, and a random part. */
    static String newId(Instant failedAt, String stage) {
        return ID_TIME.format(failedAt) + "-" + stage + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The entry that describes a letter, secrets masked: a new one, or the entry whose replay failed
     * again at the same step ({@code replayed}), updated. Properties and headers named like
     * credentials are never kept, whoever asked for them.
     *
     * @param payloadSha256 of the payload as stored, for the fingerprint
     */
    static DeadLetterEntry of(String id, DeadLetter letter, DeadLetterEntry replayed, Instant now, long payloadBytes,
            byte[] payloadSha256, SecretMasker masker) {
        Throwable error = letter.error();
        String responseBody = error instanceof HttpFailure answered ? truncate(answered.responseBody()) : null;
        String reason = masker.mask(DeadLetterWrites.describe(error));
        Map<String, String> properties = masked(letter.properties(), masker);
        return new DeadLetterEntry(
                id,
                now,
                replayed != null && replayed.firstFailedAt() != null ? replayed.firstFailedAt() : now,
                letter.stage(),
                letter.step(),
                letter.source(),
                letter.channel(),
                replayed != null ? replayed.attempts() + letter.attempts() : letter.attempts(),
                replayed != null ? replayed.replays() + 1 : 0,
                replayed != null ? replayed.occurrences() + 1 : 1,
                reason,
                letter.httpStatus(),
                masker.mask(responseBody),
                letter.replayUri(),
                properties,
                masked(letter.headers(), masker),
                payloadBytes,
                replayed != null ? replayed.fingerprint() : FailureFingerprint.of(letter.stage(), letter.step(),
                        letter.source(), letter.channel(), properties, letter.httpStatus(), reason, payloadSha256));
    }

    /**
     * This entry, after its failure happened again ({@code again}, built by {@link #of} for it):
     * counted, last failed then, described as it was that time (reason, answer, properties and
     * headers); its id, first failure, replays and payload (the same bytes) stay.
     */
    DeadLetterEntry seenAgain(DeadLetterEntry again) {
        return new DeadLetterEntry(id, again.failedAt(), firstFailedAt, stage, step, source, channel,
                attempts + again.attempts(), replays, occurrences + 1, again.error(), httpStatus,
                again.responseBody(), replayUri, again.properties(), again.headers(), payloadBytes, fingerprint);
    }

    /** The entry a replay that failed again updates: only one at the step it was replayed into; a failure further on is new. */
    static boolean isSameStepReplay(DeadLetterEntry replayed, DeadLetter letter) {
        return replayed != null && replayed.step() != null && replayed.step().equals(letter.step());
    }

    private static Map<String, String> masked(Map<String, String> values, SecretMasker masker) {
        Map<String, String> kept = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (value != null && !SecretMasker.isSecretName(name)) {
                kept.put(name, masker.mask(value));
            }
        });
        return kept;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= BODY_SNIPPET ? text : text.substring(0, BODY_SNIPPET) + "…";
    }
}
