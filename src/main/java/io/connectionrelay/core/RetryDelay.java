package io.connectionrelay.core;

import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Runs after every failed attempt of a family that retries (a source's poll, the SFTP upload, the
 * mail server): counts the attempt for the dead-letter entry and sets how long Camel waits before
 * the next one, by one {@link Backoff} over the family's initial and maximum delay, with the
 * server's Retry-After as a floor. A failure retried for another reason than time (a 401, retried
 * with fresh credentials) is retried at once. The onException using it sets redeliveryDelay(0):
 * the header set here is the delay.
 */
public final class RetryDelay implements Processor {

    private final Backoff backoff;
    private final Class<? extends Throwable> atOnce;
    private final AttemptCount attempts = new AttemptCount();

    private RetryDelay(Backoff backoff, Class<? extends Throwable> atOnce) {
        this.backoff = backoff;
        this.atOnce = atOnce;
    }

    /** The backoff PREFIX.initial-delay and PREFIX.max-delay configure (relay.upstream.retry, ...). */
    public static RetryDelay fromSettings(Settings settings, String prefix) {
        return new RetryDelay(new Backoff(settings.getDuration(prefix + ".initial-delay"), 2.0,
                settings.getDuration(prefix + ".max-delay")), null);
    }

    /** The same delays, except that this failure is retried at once. */
    public RetryDelay atOnceFor(Class<? extends Throwable> failure) {
        return new RetryDelay(backoff, failure);
    }

    @Override
    public void process(Exchange exchange) {
        attempts.process(exchange);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (atOnce != null && atOnce.isInstance(failure)) {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
            return;
        }
        // Camel has already counted this failure: 1 after the first attempt
        int failures = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        Duration retryAfter = failure instanceof HttpFailure answered ? answered.retryAfter() : null;
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, backoff.delayMillis(failures - 1, retryAfter));
    }
}
