package io.connectionrelay.deliver.webhook;

import io.connectionrelay.core.AttemptCount;
import io.connectionrelay.core.DeadLetterPolicy;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * Error handling for the subscriber queue routes (routeConfigurationId "webhook"). A transient
 * failure is retried within that subscriber's budget (relay.webhook.subscriber.ID.max-retries)
 * after the delay WebhookDeliveries computed; a permanent one, or an exhausted budget, goes to the
 * dead-letter store with the signed event and its webhook-* headers, and is parked there.
 */
public class WebhookRetryConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        // what a replay needs: the same signed event, back into the subscriber's queue
        DeadLetterPolicy deadLetter = DeadLetterPolicy.stage("deliver").channel("webhook")
                .replayUri(exchange -> WebhookEvent.ENQUEUE_URI)
                .keepHeaders(WebhookEvent.WEBHOOK_ID, WebhookEvent.WEBHOOK_TIMESTAMP, WebhookEvent.WEBHOOK_SIGNATURE)
                .keepProperties(WebhookEvent.SUBSCRIBER, WebhookEvent.CONNECTION, WebhookEvent.STATUS,
                        WebhookEvent.FINGERPRINT);
        routeConfiguration("webhook")
                .onException(WebhookException.Transient.class)
                    .retryWhile(method("webhookDeliveries", "retryAllowed"))
                    .onExceptionOccurred(new AttemptCount())
                    .redeliveryDelay(0)
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .logRetryAttempted(true)
                    .logStackTrace(false)
                    .handled(true)
                    .bean("relayMetrics", "failed('webhook', ${exchangeProperty." + WebhookEvent.SUBSCRIBER + "})")
                    .process(deadLetter)
                    .bean("webhookDeliveries", "parked")
                .end()
                .onException(Exception.class)
                    .logStackTrace(false)
                    .handled(true)
                    .bean("relayMetrics", "failed('webhook', ${exchangeProperty." + WebhookEvent.SUBSCRIBER + "})")
                    .process(deadLetter)
                    .bean("webhookDeliveries", "parked")
                .end();
    }
}
