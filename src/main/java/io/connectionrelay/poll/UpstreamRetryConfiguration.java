package io.connectionrelay.poll;

import io.connectionrelay.deadletter.AttemptCount;
import io.connectionrelay.normalize.MalformedPayloadException;
import io.connectionrelay.normalize.RecordMappingException;
import io.connectionrelay.runtime.Settings;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * Error handling for every source route (routeConfigurationId "upstream"): transient failures
 * retried with the delay UpstreamResponseCheck computed, one retry after a 401, and everything
 * that still fails handed to the dead-letter store so the next scheduled cycle runs normally.
 */
public class UpstreamRetryConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        Settings settings = new Settings(getContext());
        int retries = settings.getInt("relay.upstream.retry.max-retries", 5);
        AttemptCount attempts = new AttemptCount();

        routeConfiguration("upstream")
                .onException(RecordMappingException.class)
                    .handled(true)
                    .to("direct:dead-letter")
                .end()
                // a failed poll ends its cycle: channels discard what they gathered for it
                .onException(UpstreamException.Transient.class)
                    .maximumRedeliveries(retries)
                    .redeliveryDelay(0)
                    .onExceptionOccurred(attempts)
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .logRetryAttempted(true)
                    .logStackTrace(false)
                    .handled(true)
                    .to("direct:dead-letter", "direct:cycle-failed")
                .end()
                .onException(UpstreamException.Unauthorized.class)
                    .maximumRedeliveries(1)
                    .redeliveryDelay(0)
                    .onExceptionOccurred(attempts)
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
