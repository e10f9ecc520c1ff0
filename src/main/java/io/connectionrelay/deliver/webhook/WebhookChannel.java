package io.connectionrelay.deliver.webhook;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import io.connectionrelay.poll.Backoff;
import io.connectionrelay.runtime.Settings;
import io.connectionrelay.trace.ConnectionTrace;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

/**
 * Binds the webhook channel's beans (routes/deliver/webhook.yaml names them). Three kinds of state:
 * <ul>
 *   <li>the delivery ledger (table relay_webhook_ledger): what each subscriber last acknowledged;</li>
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

    /**
     * Camel's own table for JdbcMessageIdRepository, created here with IF NOT EXISTS: the
     * repository's own check-then-create runs in one transaction, which PostgreSQL aborts at the
     * failed check, so it cannot create the table there.
     */
    public static final String PARKED_DDL = """
            CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED (
                processorName VARCHAR(255) NOT NULL,
                messageId     VARCHAR(100) NOT NULL,
                createdAt     TIMESTAMP,
                PRIMARY KEY (processorName, messageId)
            )""";

    private WebhookChannel() {
    }

    /** Without subscribers the beans exist (the routes name them) but the state tables are not touched. */
    public static void bind(CamelContext context, Settings settings, Clock clock) throws Exception {
        WebhookSubscribers subscribers = new WebhookSubscribers(settings);
        Registry registry = context.getRegistry();
        DataSource state = registry.lookupByNameAndType("relayDataSource", DataSource.class);
        WebhookLedger ledger = new WebhookLedger(state);
        JdbcMessageIdRepository deadLettered = new JdbcMessageIdRepository(state, "webhook-dead-lettered");
        deadLettered.setCreateTableIfNotExists(false);
        if (!subscribers.isEmpty()) {
            createTables(state);
            context.addService(deadLettered);
        }
        int queueSize = settings.getInt(QUEUE_SIZE, 10_000);
        IdempotentRepository inFlight = MemoryIdempotentRepository
                .memoryIdempotentRepository(Math.max(1, queueSize * subscribers.all().size()));
        Backoff backoff = new Backoff(
                settings.getDuration("relay.webhook.retry.initial-delay", Duration.ofSeconds(1)),
                2.0,
                settings.getDuration("relay.webhook.retry.max-delay", Duration.ofSeconds(60)));

        ConnectionTrace trace = registry.lookupByNameAndType("relayTrace", ConnectionTrace.class);
        registry.bind("webhookSubscribers", subscribers);
        registry.bind("webhookInFlight", inFlight);
        registry.bind("webhookChanges",
                new WebhookChanges(subscribers, ledger, new WatchedFields(settings), deadLettered, clock, trace));
        registry.bind("webhookDeliveries",
                new WebhookDeliveries(subscribers, ledger, inFlight, deadLettered, backoff, clock, trace));
    }

    private static void createTables(DataSource state) {
        try (Connection connection = state.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(WebhookLedger.DDL);
            statement.execute(PARKED_DDL);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the webhook channel's tables in the state database "
                    + "(relay.state.jdbc-url): " + e.getMessage(), e);
        }
    }
}
