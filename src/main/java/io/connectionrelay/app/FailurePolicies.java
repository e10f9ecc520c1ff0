package io.connectionrelay.app;


import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.DeadLetterPolicy;
import io.connectionrelay.core.MalformedPayloadException;
import io.connectionrelay.core.RetryDelay;
import io.connectionrelay.core.Settings;
import io.connectionrelay.poll.UpstreamException;
import io.connectionrelay.trace.ConnectionTrace;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;

/**
 * What happens when a step fails, per family of routes, side by side: which failures are retried,
 * how long to wait, and the dead letter each builds when it gives up (stage, channel, and what a
 * replay needs besides the cycle). A route names its family with routeConfigurationId. The email
 * and webhook channels declare theirs beside their code (EmailRetryConfiguration,
 * WebhookRetryConfiguration), with the same {@link DeadLetterPolicy}.
 * <ul>
 *   <li>upstream: a source's poll. Transient answers retried with {@link RetryDelay}'s
 *       backoff, a 401 once with fresh credentials; a failed poll is dead-lettered whole and its
 *       cycle fails (channels discard what they gathered);</li>
 *   <li>upstream-record: a per-record upstream call (Terminal's details): the same retries, then
 *       that record alone is dead-lettered, its replay polling the source for that connection;</li>
 *   <li>normalize, enrich, route: a chunk that fails as a whole is dead-lettered as a chunk (a
 *       single record's failure is set aside by the stage itself);</li>
 *   <li>stage: the channels' own steps (deliver);</li>
 *   <li>csv-publish, csv-sftp: publishing a cycle's CSV; SFTP retried with exponential backoff.</li>
 * </ul>
 */
public class FailurePolicies extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        Settings settings = new Settings(getContext());
        upstream(settings);
        for (String stage : new String[] {"normalize", "enrich", "route"}) {
            routeConfiguration(stage)
                    .onException(Exception.class).logStackTrace(false).handled(true)
                    .process(DeadLetterPolicy.stage(stage))
                    .end();
        }
        routeConfiguration("stage")
                .onException(Exception.class).logStackTrace(false).handled(true)
                // a digest that could not be rendered: its replay is traced for each connection it lists
                .process(DeadLetterPolicy.stage("deliver").keepProperties(ConnectionTrace.DIGEST_CONNECTIONS))
                .end();
        csv(settings);
    }

    private void upstream(Settings settings) {
        int retries = settings.getInt("relay.upstream.retry.max-retries");
        RetryDelay beforeRetry = RetryDelay.fromSettings(settings, "relay.upstream.retry")
                .atOnceFor(UpstreamException.Unauthorized.class);

        DeadLetterPolicy poll = DeadLetterPolicy.stage("poll").answerStatusFor(MalformedPayloadException.class);
        RouteConfigurationDefinition cycle = routeConfiguration("upstream");
        retrying(cycle, retries, beforeRetry).process(poll).to("direct:cycle-failed").end();
        reauthenticating(cycle, beforeRetry).process(poll).to("direct:cycle-failed").end();
        // everything else ends the cycle as failed, whatever threw it: a 4xx, a malformed body, or
        // an exception nobody foresaw (the splitter's iterator, a cycle-end step); otherwise it
        // would escape to the caller, uncounted, with no dead letter
        cycle.onException(Exception.class)
                .logStackTrace(false).handled(true)
                .process(poll).to("direct:cycle-failed")
                .end();
        // a failure whose handling failed too (the dead letter could not be written) gets past
        // the handlers above: the cycle still ends as failed
        cycle.onCompletion().onFailureOnly().to("direct:cycle-failed");

        DeadLetterPolicy record = DeadLetterPolicy.stage("enrich")
                .replayUri(exchange -> "direct:poll-" + CycleContext.of(exchange).source())
                .keepProperties(CycleContext.ONLY_CONNECTION);
        RouteConfigurationDefinition perRecord = routeConfiguration("upstream-record");
        retrying(perRecord, retries, beforeRetry).process(record).end();
        reauthenticating(perRecord, beforeRetry).process(record).end();
        perRecord.onException(Exception.class).logStackTrace(false).handled(true).process(record).end();
    }

    private static OnExceptionDefinition retrying(RouteConfigurationDefinition configuration,
            int retries, RetryDelay beforeRetry) {
        return configuration.onException(UpstreamException.Transient.class)
                .maximumRedeliveries(retries)
                .redeliveryDelay(0)
                .onExceptionOccurred(beforeRetry)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logRetryAttempted(true)
                .logStackTrace(false)
                .handled(true);
    }

    private static OnExceptionDefinition reauthenticating(
            RouteConfigurationDefinition configuration, RetryDelay beforeRetry) {
        return configuration.onException(UpstreamException.Unauthorized.class)
                .maximumRedeliveries(1)
                .redeliveryDelay(0)
                .onExceptionOccurred(beforeRetry)
                .logStackTrace(false)
                .handled(true);
    }

    /**
     * A cycle's CSV that cannot be published is counted as a failed delivery and dead-lettered with
     * its contents and published name, to be replayed into direct:csv-publish; after an SFTP
     * failure the staged copy is removed. SFTP failures (server down, timeouts, refused login or host key) are retried first;
     * a refused file name is not worth retrying.
     */
    private void csv(Settings settings) {
        DeadLetterPolicy publish = DeadLetterPolicy.stage("csv").channel("csv").keepHeaders(Exchange.FILE_NAME);
        routeConfiguration("csv-publish")
                .onException(Exception.class).logStackTrace(false).handled(true)
                .bean("relayMetrics", "failed('csv', ${exchangeProperty.relayTarget})")
                .process(publish)
                .end();
        RouteConfigurationDefinition sftp = routeConfiguration("csv-sftp");
        sftp.onException(IllegalArgumentException.class).handled(true)
                .bean("relayMetrics", "failed('csv', ${exchangeProperty.relayTarget})")
                .process(publish)
                .bean("csvExport", "cleanUp")
                .end();
        sftp.onException(Exception.class)
                .maximumRedeliveries(settings.getInt("relay.csv.sftp.retry.max-retries"))
                .redeliveryDelay(0)
                .onExceptionOccurred(RetryDelay.fromSettings(settings, "relay.csv.sftp.retry"))
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logRetryAttempted(true)
                .logStackTrace(false)
                .handled(true)
                .bean("relayMetrics", "failed('csv', ${exchangeProperty.relayTarget})")
                .process(publish)
                .bean("csvExport", "cleanUp")
                .end();
    }
}
