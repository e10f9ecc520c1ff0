package io.connectionrelay.deliver.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

import io.connectionrelay.core.Backoff;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.HttpAnswer;
import io.connectionrelay.trace.ConnectionTrace;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's delivery attempts. Every attempt is signed afresh (a new webhook-timestamp, so
 * receivers that reject stale timestamps accept retries and replays) over the same body and
 * webhook-id. Answers are classified: 2xx delivered, 408/429/5xx/I-O transient with a backoff
 * delay that honours Retry-After, anything else permanent.
 *
 * <p>As the content enricher's strategy around the POST, it reads the answer and records a 2xx in
 * the ledger within the step that sent the request. Once a stop outlasts camel.main.shutdown-timeout,
 * Camel refuses every further step of an exchange: a 2xx recorded one step later would be lost for
 * the requests still out at that moment, and the restarted relay would send those events again.
 */
public class WebhookDeliveries implements AggregationStrategy {

    private static final int BODY_SNIPPET = 2048;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveries.class);

    private final WebhookSubscribers subscribers;
    private final WebhookLedger ledger;
    private final IdempotentRepository inFlight;
    private final IdempotentRepository deadLettered;
    private final Backoff backoff;
    private final Clock clock;
    private final ConnectionTrace trace;

    public WebhookDeliveries(WebhookSubscribers subscribers, WebhookLedger ledger, IdempotentRepository inFlight,
            IdempotentRepository deadLettered, Backoff backoff, Clock clock, ConnectionTrace trace) {
        this.subscribers = subscribers;
        this.ledger = ledger;
        this.inFlight = inFlight;
        this.deadLettered = deadLettered;
        this.backoff = backoff;
        this.clock = clock;
        this.trace = trace;
    }

    /** Before each attempt: the event as body, the subscriber's URL, a fresh timestamp and signature. */
    public void sign(Exchange exchange) {
        WebhookSubscriber subscriber = subscriberOf(exchange);
        Message message = exchange.getMessage();
        byte[] body = message.getBody(byte[].class);
        String id = message.getHeader(WebhookEvent.WEBHOOK_ID, String.class);
        if (id == null) {
            throw new IllegalStateException("a webhook event reached " + subscriber.id() + " without a webhook-id");
        }
        // only what this attempt sets is sent; the error handler's counters stay
        message.removeHeaders("*", WebhookEvent.WEBHOOK_ID, "CamelRedelivery*");
        long timestamp = clock.instant().getEpochSecond();
        message.setHeader(WebhookEvent.WEBHOOK_TIMESTAMP, timestamp);
        message.setHeader(WebhookEvent.WEBHOOK_SIGNATURE, subscriber.signer().sign(id, timestamp, body));
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.HTTP_URI, subscriber.url().toString());
        message.setBody(body);
    }

    /**
     * The answer to one attempt (the enricher's resource exchange) onto the event's exchange: a 2xx
     * is recorded as delivered at once, anything else becomes the transient or permanent failure
     * the error handler retries or dead-letters. The event's body and headers are left as they
     * were, so a retry sends the same event and a dead letter holds it.
     */
    @Override
    public Exchange aggregate(Exchange event, Exchange answer) {
        try {
            verify(event, answer);
            delivered(event, answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class));
        } catch (Exception e) {
            event.setException(e);
        }
        return event;
    }

    private void verify(Exchange event, Exchange answer) throws Exception {
        Exception failure = answer.getException();
        if (failure instanceof IOException) {
            unreachable(event, failure);
        } else if (failure != null) {
            throw failure;
        }
        Message message = answer.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        HttpAnswer kind = HttpAnswer.of(status);
        if (kind == HttpAnswer.SUCCESS) {
            return;
        }
        String response = snippet(answer);
        WebhookSubscriber subscriber = subscriberOf(event);
        String what = "subscriber " + subscriber.id() + " answered HTTP " + status + " at " + subscriber.address();
        if (kind == HttpAnswer.TRANSIENT) {
            scheduleRetry(event, HttpAnswer.retryAfter(message.getHeader("Retry-After", String.class)));
            throw new WebhookException.Transient(what, status, response, null);
        }
        throw new WebhookException.Permanent(what + " (not retried: only 408, 429 and 5xx are)", status, response);
    }

    /** The request failed without an answer: refused, reset, or timed out (relay.webhook.subscriber.ID.timeout). */
    private void unreachable(Exchange event, Exception cause) throws WebhookException {
        WebhookSubscriber subscriber = subscriberOf(event);
        scheduleRetry(event, null);
        throw new WebhookException.Transient("subscriber " + subscriber.id() + " at " + subscriber.address()
                + " could not be reached: " + cause, 0, null, cause);
    }

    /**
     * The error handler's question after a failure: has this subscriber's retry budget room left?
     * Camel has already counted the failure that is being asked about.
     */
    public boolean retryAllowed(Exchange exchange) {
        int failures = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        return failures <= subscriberOf(exchange).maxRetries();
    }

    /** The subscriber answered 2xx: this is now what it last heard about the connection. */
    private void delivered(Exchange exchange, int httpStatus) throws SQLException {
        String id = exchange.getMessage().getHeader(WebhookEvent.WEBHOOK_ID, String.class);
        String subscriber = exchange.getProperty(WebhookEvent.SUBSCRIBER, String.class);
        String connection = exchange.getProperty(WebhookEvent.CONNECTION, String.class);
        ledger.delivered(subscriber,
                connection,
                exchange.getProperty(WebhookEvent.STATUS, String.class),
                exchange.getProperty(WebhookEvent.FINGERPRINT, String.class),
                id,
                clock.instant());
        deadLettered.remove(id);
        inFlight.remove(id);
        LOG.debug("Webhook {} delivered to {}", id, subscriber);
        trace.webhookDelivered(exchange, connection, subscriber, id, httpStatus,
                exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) + 1);
    }

    /**
     * In the dead-letter store now: not detected again until a replay delivers it or the connection
     * changes. An event whose dead letter could not be written is not parked: the next cycle
     * detects it again, so it is not lost.
     */
    public void parked(Exchange exchange) throws SQLException {
        String id = exchange.getMessage().getHeader(WebhookEvent.WEBHOOK_ID, String.class);
        if (id != null) {
            if (DeadLetter.stored(exchange)) {
                deadLettered.add(id);
            }
            inFlight.remove(id);
            ledger.release(exchange.getProperty(WebhookEvent.SUBSCRIBER, String.class),
                    exchange.getProperty(WebhookEvent.CONNECTION, String.class), id);
        }
    }

    private WebhookSubscriber subscriberOf(Exchange exchange) {
        return subscribers.require(exchange.getProperty(WebhookEvent.SUBSCRIBER, String.class));
    }

    private void scheduleRetry(Exchange exchange, Duration retryAfter) {
        int attempt = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, backoff.delayMillis(attempt, retryAfter));
    }

    private static String snippet(Exchange exchange) {
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            return in == null ? null : new String(in.readNBytes(BODY_SNIPPET), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(response unreadable: " + e.getMessage() + ")";
        }
    }
}
