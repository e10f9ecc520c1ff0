package io.connectionrelay.deliver.email;

import java.util.LinkedHashMap;
import java.util.Map;

import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.RecordJson;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers records per account manager for the two aggregators in routes/deliver/email.yaml. A
 * group's body is a map from record key to record JSON, so a connection seen twice appears once,
 * in its latest state. Records are first batched in memory, and each batch is merged into the
 * window's group in the state database: one database write per batch, not one per record
 * (JdbcAggregationRepository rewrites the whole group on every write).
 */
public class DigestGathering implements AggregationStrategy {

    /** The correlation key: the manager's address, lower case. */
    public static final String RECIPIENT = "relayDigestRecipient";
    static final String RECORD_KEY = "relayDigestRecordKey";

    private final boolean windowCompletes;

    /**
     * @param windowCompletes true for the window's aggregator, which only the window's closing
     *                        completes; false for the in-memory batches, which complete by size
     */
    public DigestGathering(boolean windowCompletes) {
        this.windowCompletes = windowCompletes;
    }

    /**
     * Validates the record's manager address and tags the exchange for the aggregators; the body
     * becomes the record's JSON form, which the window's repository stores.
     */
    public void gather(Exchange exchange) {
        ConnectionRecord record = RecordJson.record(exchange.getMessage().getBody());
        exchange.getMessage().setHeader(RECIPIENT, DigestRecipient.of(record).groupKey());
        exchange.getMessage().setHeader(RECORD_KEY, record.key());
        exchange.getMessage().setBody(RecordJson.write(record));
    }

    /** The incoming exchange is one record (JSON) or a batch of them (a map). */
    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange group, Exchange incoming) {
        Object body = incoming.getMessage().getBody();
        Map<String, String> records = body instanceof Map<?, ?> batch ? (Map<String, String>) batch
                : Map.of(incoming.getMessage().getHeader(RECORD_KEY, String.class), (String) body);
        if (group == null) {
            incoming.getMessage().setBody(new LinkedHashMap<>(records));
            return incoming;
        }
        group.getMessage().getBody(Map.class).putAll(records);
        return group;
    }

    /**
     * Declaring pre-completion is how an aggregator is told that no arrival completes a group:
     * only the window's complete-all-groups signal does.
     */
    @Override
    public boolean canPreComplete() {
        return windowCompletes;
    }

    @Override
    public boolean preComplete(Exchange group, Exchange incoming) {
        return false;
    }

    /** A completed group as a JSON array of records: what direct:email-render takes (and a replay gives back). */
    @SuppressWarnings("unchecked")
    public String records(Exchange exchange) {
        Map<String, String> records = exchange.getMessage().getBody(Map.class);
        return "[" + String.join(",", records.values()) + "]";
    }
}
