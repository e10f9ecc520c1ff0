package io.connectionrelay.poll;

import io.connectionrelay.normalize.MalformedPayloadException;
import io.connectionrelay.normalize.RecordMappingException;
import io.connectionrelay.runtime.Settings;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * Error handling for every source route (routeConfigurationId "upstream"): transient failures
 * retried with exponential backoff and jitter (at least the upstream's Retry-After, at most
 * relay.upstream.retry.max-delay), one retry after a 401, and everything
 * that still fails handed to the dead-letter store so the next scheduled cycle runs normally.
 */
public class UpstreamRetryConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        Settings settings = new Settings(getContext());
        int retries = settings.getInt("relay.upstream.retry.max-retries", 5);
        UpstreamRetryDelay beforeRetry = UpstreamRetryDelay.fromSettings(settings);

        routeConfiguration("upstream")
                .onException(RecordMappingException.class)
                    .handled(true)
                    .to("direct:dead-letter")
                .end()
                // a failed poll ends its cycle: channels discard what they gathered for it
                .onException(UpstreamException.Transient.class)
                    .maximumRedeliveries(retries)
                    .redeliveryDelay(0)
                    .onExceptionOccurred(beforeRetry)
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .logRetryAttempted(true)
                    .logStackTrace(false)
                    .handled(true)
                    .to("direct:dead-letter", "direct:cycle-failed")
                .end()
                .onException(UpstreamException.Unauthorized.class)
                    .maximumRedeliveries(1)
                    .redeliveryDelay(0)
                    .onExceptionOccurred(beforeRetry)
                    .logStackTrace(false)
                    .handled(true)
                    .to("direct:dead-letter", "direct:cycle-failed")
                .end()
                .onException(UpstreamException.Permanent.class, MalformedPayloadException.class)
                    .logStackTrace(false)
                    .handled(true)
                    .to("direct:dead-letter", "direct:cycle-failed")
                .end();
    }
}
