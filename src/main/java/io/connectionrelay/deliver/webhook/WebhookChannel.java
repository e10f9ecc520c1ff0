package io.connectionrelay.deliver.webhook;

import java.sql.SQLException;
import java.time.Clock;

import javax.sql.DataSource;

import io.connectionrelay.cluster.ClaimOwner;
import io.connectionrelay.cluster.ClusterSettings;
import io.connectionrelay.core.Backoff;
import io.connectionrelay.core.DeadLetters;
import io.connectionrelay.core.Settings;
import io.connectionrelay.trace.ConnectionTrace;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

/**
 * Binds the webhook channel's beans (routes/deliver/webhook.yaml names them). Three kinds of state:
 * <ul>
 *   <li>the delivery ledger (table relay_webhook_ledger): what each subscriber last acknowledged,
 *       and the claim on the change being delivered now, shared by every replica;</li>
 *   <li>Camel's JdbcMessageIdRepository (table CAMEL_MESSAGEPROCESSED, processor name
 *       webhook-dead-lettered): event ids waiting in the dead-letter store, so a failing
 *       subscriber gets one dead letter per change, not one per poll, across restarts too;</li>
 *   <li>webhookInFlight, in memory: event ids queued or being retried in this process, so a slow
 *       subscriber's backlog is not queued again by the next cycle. Deliberately not durable: after
 *       a crash nothing is in flight, and the ledger makes the next cycle send what was lost.</li>
 * </ul>
 */
public final class WebhookChannel {

    public static final String QUEUE_SIZE = "relay.webhook.queue-size";
    /** How long a detected change stays the claiming replica's to deliver before another cycle may send it again. */
    public static final String IN_FLIGHT_TIMEOUT = "relay.webhook.in-flight-timeout";

    private WebhookChannel() {
    }

    /** Without subscribers the beans exist (the routes name them) but the state tables are not touched. */
    public static void bind(CamelContext context, Settings settings, Clock clock) throws Exception {
        WebhookSubscribers subscribers = new WebhookSubscribers(settings);
        Registry registry = context.getRegistry();
        DataSource state = registry.lookupByNameAndType("relayDataSource", DataSource.class);
        ClaimOwner owner = ClaimOwner.of(registry.lookupByNameAndType("clusterSettings", ClusterSettings.class),
                context.getName(), settings.getDuration(IN_FLIGHT_TIMEOUT));
        WebhookLedger ledger = new WebhookLedger(state, owner);
        JdbcMessageIdRepository deadLettered = new JdbcMessageIdRepository(state, "webhook-dead-lettered");
        // the schema is Flyway's (StateDatabase)
        deadLettered.setCreateTableIfNotExists(false);
        if (!subscribers.isEmpty()) {
            context.addService(deadLettered);
            releaseOwnClaims(ledger);
        }
        int queueSize = settings.getInt(QUEUE_SIZE);
        IdempotentRepository inFlight = MemoryIdempotentRepository
                .memoryIdempotentRepository(Math.max(1, queueSize * subscribers.all().size()));
        Backoff backoff = new Backoff(
                settings.getDuration("relay.webhook.retry.initial-delay"),
                2.0,
                settings.getDuration("relay.webhook.retry.max-delay"));

        ConnectionTrace trace = registry.lookupByNameAndType("relayTrace", ConnectionTrace.class);
        registry.bind("webhookSubscribers", subscribers);
        registry.bind("webhookInFlight", inFlight);
        registry.bind("webhookChanges",
                new WebhookChanges(subscribers, ledger, new WatchedFields(settings), deadLettered, clock,
                        registry.findSingleByType(DeadLetters.class), trace));
        registry.bind("webhookDeliveries",
                new WebhookDeliveries(subscribers, ledger, inFlight, deadLettered, backoff, clock, trace));
    }

    private static void releaseOwnClaims(WebhookLedger ledger) {
        try {
            ledger.releaseOwnClaims();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot release this instance's webhook claims in the state database "
                    + "(relay.state.jdbc-url): " + e.getMessage(), e);
        }
    }

}
