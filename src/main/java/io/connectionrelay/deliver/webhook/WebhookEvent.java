package io.connectionrelay.deliver.webhook;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * One event for one subscriber, as change detection produced it. On the exchange it becomes the
 * body (the exact bytes that are signed and sent), the webhook-id header, and the properties the
 * ledger needs once it is answered; the webhook's dead-letter policy (WebhookRetryConfiguration)
 * keeps them, so a replay delivers and records the same event.
 *
 * @param body the event JSON: id, type, timestamp, previous_status, data
 */
public record WebhookEvent(
        String id,
        String type,
        String subscriber,
        String connectionKey,
        String status,
        String fingerprint,
        byte[] body) {

    public static final String WEBHOOK_ID = "webhook-id";
    public static final String WEBHOOK_TIMESTAMP = "webhook-timestamp";
    public static final String WEBHOOK_SIGNATURE = "webhook-signature";

    /** Exchange properties: the subscriber id and what the ledger records once it answers 2xx. */
    public static final String SUBSCRIBER = "relaySubscriber";
    public static final String CONNECTION = "relayConnection";
    public static final String STATUS = "relayStatus";
    public static final String FINGERPRINT = "relayFingerprint";

    /** Where a dead-lettered event is replayed: the subscriber's queue, through the in-flight guard. */
    public static final String ENQUEUE_URI = "direct:webhook-enqueue";

    /** Puts this event on the exchange, replacing whatever the record's exchange carried. */
    public void applyTo(Exchange exchange) {
        Message message = exchange.getMessage();
        // headers left by the upstream poll (its response headers, cookies) must not reach a subscriber
        message.removeHeaders("*");
        message.setHeader(WEBHOOK_ID, id);
        message.setBody(body);
        exchange.setProperty(SUBSCRIBER, subscriber);
        exchange.setProperty(CONNECTION, connectionKey);
        exchange.setProperty(STATUS, status);
        exchange.setProperty(FINGERPRINT, fingerprint);
    }
}
