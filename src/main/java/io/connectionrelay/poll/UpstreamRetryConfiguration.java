package io.connectionrelay.poll;

import io.connectionrelay.runtime.Settings;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;

/**
 * Error handling for upstream calls, one retry policy in two route configurations: transient
 * failures retried with exponential backoff and jitter (at least the upstream's Retry-After, at
 * most relay.upstream.retry.max-delay), one retry after a 401, and what still fails handed to the
 * dead-letter store.
 * <ul>
 *   <li>"upstream", for source routes: a failed poll, of any cause, also ends its cycle as failed
 *       (channels discard what they gathered for it, metrics and readiness count it), and the
 *       next scheduled cycle runs normally;</li>
 *   <li>"upstream-record", for routes that make one call per record (Terminal's per-connection
 *       details): a record that still fails is dead-lettered alone and its siblings go on.</li>
 * </ul>
 */
public class UpstreamRetryConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        Settings settings = new Settings(getContext());
        int retries = settings.getInt("relay.upstream.retry.max-retries", 5);
        UpstreamRetryDelay beforeRetry = UpstreamRetryDelay.fromSettings(settings);

        RouteConfigurationDefinition poll = routeConfiguration("upstream");
        retrying(poll, retries, beforeRetry, "direct:dead-letter", "direct:cycle-failed");
        // everything else ends the cycle as failed, whatever threw it: a 4xx, a malformed body, or
        // an exception nobody foresaw (the splitter's iterator, a cycle-end step); otherwise it
        // would escape to the caller, uncounted, with no dead letter
        poll.onException(Exception.class)
                .logStackTrace(false)
                .handled(true)
                .to("direct:dead-letter", "direct:cycle-failed")
                .end();
        // a failure whose handling failed too (no dead letter could be written) gets past the
        // handlers above: the cycle still ends as failed
        poll.onCompletion().onFailureOnly()
                .to("direct:cycle-failed");

        RouteConfigurationDefinition record = routeConfiguration("upstream-record");
        retrying(record, retries, beforeRetry, "direct:dead-letter");
        record.onException(Exception.class)
                .logStackTrace(false)
                .handled(true)
                .to("direct:dead-letter")
                .end();
    }

    private static void retrying(RouteConfigurationDefinition configuration, int retries,
            UpstreamRetryDelay beforeRetry, String... whenExhausted) {
        configuration.onException(UpstreamException.Transient.class)
                .maximumRedeliveries(retries)
                .redeliveryDelay(0)
                .onExceptionOccurred(beforeRetry)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logRetryAttempted(true)
                .logStackTrace(false)
                .handled(true)
                .to(whenExhausted)
                .end();
        configuration.onException(UpstreamException.Unauthorized.class)
                .maximumRedeliveries(1)
                .redeliveryDelay(0)
                .onExceptionOccurred(beforeRetry)
                .logStackTrace(false)
                .handled(true)
                .to(whenExhausted)
                .end();
    }
}
