package io.connectionrelay.poll;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": half the exponential step is fixed, half random, so
 * retries from many sources spread out but never come back sooner than half the step.
 * A Retry-After from the server is a floor; the cap bounds both.
 */
public record Backoff(Duration initial, double multiplier, Duration max) {

    public long delayMillis(int attempt, Duration retryAfter) {
        double step = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt));
        long capped = (long) Math.min(step, max.toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        long floor = retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), max.toMillis());
        return Math.max(jittered, floor);
    }

    /** Retry-After as seconds, possibly fractional ("0.62"); HTTP dates are rare for APIs and ignored. */
    public static Duration parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(header.trim());
            return seconds < 0 ? null : Duration.ofMillis((long) Math.ceil(seconds * 1000));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
