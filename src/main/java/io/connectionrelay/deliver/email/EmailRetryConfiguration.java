package io.connectionrelay.deliver.email;


import io.connectionrelay.core.DeadLetterPolicy;
import io.connectionrelay.core.RetryDelay;
import io.connectionrelay.core.Settings;
import io.connectionrelay.trace.ConnectionTrace;
import jakarta.mail.MessagingException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * Error handling for sending a digest (routeConfigurationId "email"): a mail server that is down
 * or refuses is retried with exponential backoff (relay.email.retry.*), then the whole message is
 * dead-lettered and replays into direct:email-send. The delay does not hold a thread, so a slow
 * mail server never holds up the records still being gathered. A dead-lettered digest counts as
 * told, like a sent one: the replay delivers it, and the next digest does not repeat its news.
 */
public class EmailRetryConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        Settings settings = new Settings(getContext());
        int retries = settings.getInt("relay.email.retry.max-retries");
        String transport = settings.getString("relay.email.transport");

        DeadLetterPolicy deadLetter = DeadLetterPolicy.stage("deliver").channel("email")
                .keepProperties(ConnectionTrace.DIGEST_CONNECTIONS);
        routeConfiguration("email")
                .onException(MessagingException.class)
                    .maximumRedeliveries(retries)
                    .redeliveryDelay(0)
                    .onExceptionOccurred(RetryDelay.fromSettings(settings, "relay.email.retry"))
                    .asyncDelayedRedelivery()
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .logRetryAttempted(true)
                    .logStackTrace(false)
                    .handled(true)
                    .process(DigestMail::restoreText)
                    .bean("relayMetrics", "failed('email', '" + transport + "')")
                    .process(deadLetter)
                    // the replay sends this very message: its connections count as told
                    .bean("digestDispatch", "sent")
                .end()
                .onException(Exception.class)
                    .logStackTrace(false)
                    .handled(true)
                    .process(DigestMail::restoreText)
                    .bean("relayMetrics", "failed('email', '" + transport + "')")
                    .process(deadLetter)
                    // the replay sends this very message: its connections count as told
                    .bean("digestDispatch", "sent")
                .end();
    }
}
