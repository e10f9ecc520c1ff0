package io.connectionrelay.deliver.email;

import java.util.ArrayList;
import java.util.List;

import io.connectionrelay.record.ConnectionRecord;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

/**
 * One source's records, held in memory until its cycle ends or relay.email.batch-size is
 * reached, so the state database takes one write per batch. Batches are per source so that one
 * source's cycle end does not write another's half-polled cycle: that would start the other's
 * group-wait early, splitting its news over two digests. The cycle's end arrives as an exchange
 * without a record, which completes its source's batch.
 */
public class DigestBatch implements AggregationStrategy {

    /** The correlation key: the record's source. */
    static final String SOURCE = "relayDigestBatch";

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange batch, Exchange incoming) {
        Exchange target = batch == null ? incoming : batch;
        List<ConnectionRecord> records = batch == null ? new ArrayList<>() : batch.getMessage().getBody(List.class);
        if (incoming.getMessage().getBody() instanceof ConnectionRecord record) {
            records.add(record);
        } else {
            target.setProperty(ExchangePropertyKey.AGGREGATION_COMPLETE_CURRENT_GROUP, true);
        }
        target.getMessage().setBody(records);
        return target;
    }
}
