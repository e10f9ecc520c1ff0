package io.connectionrelay.poll;

import io.connectionrelay.core.Backoff;
import java.time.Duration;

import io.connectionrelay.core.AttemptCount;
import io.connectionrelay.core.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Runs after every failed upstream attempt, whichever step failed (the GET, or a login inside the
 * auth bean): counts the attempt for the dead-letter entry and sets how long Camel waits before
 * the next one. A 401 is retried at once, with fresh credentials.
 */
public class UpstreamRetryDelay implements Processor {

    private final Backoff backoff;
    private final AttemptCount attempts = new AttemptCount();

    UpstreamRetryDelay(Backoff backoff) {
        this.backoff = backoff;
    }

    /** The backoff relay.upstream.retry.* configures, shared by every upstream call's retries. */
    public static UpstreamRetryDelay fromSettings(Settings settings) {
        return new UpstreamRetryDelay(new Backoff(
                settings.getDuration("relay.upstream.retry.initial-delay", Duration.ofSeconds(1)),
                2.0,
                settings.getDuration("relay.upstream.retry.max-delay", Duration.ofSeconds(30))));
    }

    @Override
    public void process(Exchange exchange) {
        attempts.process(exchange);
        // Camel has already counted this failure: 1 after the first attempt
        int failures = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof UpstreamException.Transient failure) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY,
                    backoff.delayMillis(failures - 1, failure.getRetryAfter()));
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }
}
