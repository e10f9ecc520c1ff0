package io.connectionrelay.poll;

import io.connectionrelay.core.Backoff;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.connectionrelay.core.HttpAnswer;

import org.junit.jupiter.api.Test;

/** The delay before retry N: exponential with jitter, never under Retry-After, never over the cap. */
class BackoffTest {

    final Backoff backoff = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2));

    @Test
    void growsExponentiallyWithHalfOfEachStepRandom() {
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.delayMillis(0, null)).isBetween(50L, 100L);
            assertThat(backoff.delayMillis(3, null)).isBetween(400L, 800L);
            assertThat(backoff.delayMillis(10, null)).as("capped").isBetween(1000L, 2000L);
        }
    }

    @Test
    void retryAfterIsAFloorUpToTheCap() {
        assertThat(backoff.delayMillis(0, HttpAnswer.retryAfter("0.6"))).isEqualTo(600);
        assertThat(backoff.delayMillis(0, HttpAnswer.retryAfter("120"))).isEqualTo(2000L);
    }

    @Test
    void readsRetryAfterInSecondsPossiblyFractional() {
        assertThat(HttpAnswer.retryAfter("0.62")).isEqualTo(Duration.ofMillis(620));
        assertThat(HttpAnswer.retryAfter(" 3 ")).isEqualTo(Duration.ofSeconds(3));
        assertThat(HttpAnswer.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT")).isNull();
        assertThat(HttpAnswer.retryAfter("-1")).isNull();
        assertThat(HttpAnswer.retryAfter(null)).isNull();
    }
}
