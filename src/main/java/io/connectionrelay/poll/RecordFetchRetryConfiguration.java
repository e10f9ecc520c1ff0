package io.connectionrelay.poll;

import io.connectionrelay.runtime.Settings;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * Error handling for routes that make one upstream call per record (routeConfigurationId
 * "upstream-record"), such as Terminal's per-connection details. Retries as "upstream" does, with
 * the same settings and the same wait before each retry (backoff, at least the Retry-After), but a
 * record that still fails is dead-lettered alone: unlike a failed page, it does not fail the poll
 * cycle, and its siblings are delivered.
 */
public class RecordFetchRetryConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        Settings settings = new Settings(getContext());
        int retries = settings.getInt("relay.upstream.retry.max-retries", 5);
        UpstreamRetryDelay beforeRetry = UpstreamRetryDelay.fromSettings(settings);

        routeConfiguration("upstream-record")
                .onException(UpstreamException.Transient.class)
                    .maximumRedeliveries(retries)
                    .redeliveryDelay(0)
                    .onExceptionOccurred(beforeRetry)
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .logRetryAttempted(true)
                    .logStackTrace(false)
                    .handled(true)
                    .to("direct:dead-letter")
                .end()
                .onException(UpstreamException.Unauthorized.class)
                    .maximumRedeliveries(1)
                    .redeliveryDelay(0)
                    .onExceptionOccurred(beforeRetry)
                    .logStackTrace(false)
                    .handled(true)
                    .to("direct:dead-letter")
                .end()
                .onException(Exception.class)
                    .logStackTrace(false)
                    .handled(true)
                    .to("direct:dead-letter")
                .end();
    }
}
