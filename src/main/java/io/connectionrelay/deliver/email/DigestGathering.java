package io.connectionrelay.deliver.email;

import java.util.LinkedHashMap;
import java.util.Map;

import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.RecordJson;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers records per account manager for the aggregator in routes/deliver/email.yaml. A group's
 * body is a map from record key to record JSON, so a connection seen twice in one window appears
 * once, in its latest state. The map is what JdbcAggregationRepository stores between records.
 */
public class DigestGathering implements AggregationStrategy {

    /** The correlation key: the manager's address, lower case. */
    public static final String RECIPIENT = "relayDigestRecipient";
    static final String RECORD_KEY = "relayDigestRecordKey";

    /** Validates the record's manager address and tags the exchange for the aggregator. */
    public void gather(Exchange exchange) {
        ConnectionRecord record = RecordJson.read(exchange.getMessage().getBody(String.class));
        exchange.getMessage().setHeader(RECIPIENT, DigestRecipient.of(record).groupKey());
        exchange.getMessage().setHeader(RECORD_KEY, record.key());
    }

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange group, Exchange record) {
        String key = record.getMessage().getHeader(RECORD_KEY, String.class);
        String json = record.getMessage().getBody(String.class);
        if (group == null) {
            Map<String, String> records = new LinkedHashMap<>();
            records.put(key, json);
            record.getMessage().setBody(records);
            return record;
        }
        group.getMessage().getBody(Map.class).put(key, json);
        return group;
    }

    /**
     * The window decides when a group is complete (the aggregator's complete-all-groups signal),
     * never the arrival of a record; declaring pre-completion is how an aggregator is told so.
     */
    @Override
    public boolean canPreComplete() {
        return true;
    }

    @Override
    public boolean preComplete(Exchange group, Exchange record) {
        return false;
    }

    /** A completed group as a JSON array of records: what direct:email-render takes (and a replay gives back). */
    @SuppressWarnings("unchecked")
    public String records(Exchange exchange) {
        Map<String, String> records = exchange.getMessage().getBody(Map.class);
        return "[" + String.join(",", records.values()) + "]";
    }
}
