package io.connectionrelay.core;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Remembers how many times a retried step was tried, for the dead-letter entry. Camel removes its
 * redelivery counter from the message before a handled onException reaches the dead-letter
 * store, so every onException that retries names this processor (bean "attemptCount"):
 * <pre>
 *   .onException(SomeTransientFailure.class).maximumRedeliveries(5).onExceptionOccurred(new AttemptCount())
 *   YAML: onExceptionOccurredRef: attemptCount
 * </pre>
 * The count is tied to the exception instance it was taken for, so a count left behind by a step
 * that later succeeded never applies to another step's failure.
 */
public class AttemptCount implements Processor {

    static final String PROPERTY = "relayAttemptCount";

    private record Count(Throwable failure, int attempts) {
    }

    @Override
    public void process(Exchange exchange) {
        // runs after each failed attempt, once Camel has counted it
        int failures = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        exchange.setProperty(PROPERTY, new Count(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class),
                failures));
    }

    /** How many times the step that threw this failure was tried: 1 unless it was retried. */
    public static int of(Exchange exchange, Throwable failure) {
        if (exchange.getProperty(PROPERTY) instanceof Count count && failure != null && count.failure() == failure) {
            return count.attempts();
        }
        return 1;
    }
}
