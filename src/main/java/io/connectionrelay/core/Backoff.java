package io.connectionrelay.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": half the exponential step is fixed, half random, so
 * retries from many sources spread out but never come back sooner than half the step.
 * A Retry-After from the server (read by {@link io.connectionrelay.core.HttpAnswer#retryAfter}) is a
 * floor; the cap bounds both.
 */
public record Backoff(Duration initial, double multiplier, Duration max) {

    public long delayMillis(int attempt, Duration retryAfter) {
        double step = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt));
        long capped = (long) Math.min(step, max.toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        long floor = retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), max.toMillis());
        return Math.max(jittered, floor);
    }
}
