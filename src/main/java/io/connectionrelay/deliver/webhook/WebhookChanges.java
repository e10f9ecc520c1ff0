package io.connectionrelay.deliver.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.DeadLetters;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.RecordJson;
import io.connectionrelay.trace.ConnectionTrace;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.spi.IdempotentRepository;

/**
 * Change detection: for each subscriber whose filters take the record, an event when the
 * connection is new to that subscriber or a watched field differs from what it last acknowledged
 * (the ledger). Nothing for an unchanged connection, nothing for a change whose event waits in
 * the dead-letter store for a replay, and nothing while another event for the connection is in
 * flight: each event is claimed in the ledger first, and only the claim's winner sends it.
 */
public class WebhookChanges {

    public static final String CREATED = "connection.created";
    public static final String STATUS_CHANGED = "connection.status_changed";
    public static final String UPDATED = "connection.updated";

    private final WebhookSubscribers subscribers;
    private final WebhookLedger ledger;
    private final WatchedFields watched;
    private final IdempotentRepository deadLettered;
    private final Clock clock;
    private final DeadLetters deadLetters;
    private final ConnectionTrace trace;
    private final ObjectMapper json = RecordJson.mapper();

    public WebhookChanges(WebhookSubscribers subscribers, WebhookLedger ledger, WatchedFields watched,
            IdempotentRepository deadLettered, Clock clock, DeadLetters deadLetters, ConnectionTrace trace) {
        this.subscribers = subscribers;
        this.ledger = ledger;
        this.watched = watched;
        this.deadLettered = deadLettered;
        this.clock = clock;
        this.deadLetters = deadLetters;
        this.trace = trace;
    }

    /**
     * A chunk of records in; the events to deliver out, for the splitter. Each subscriber's decision
     * is traced. A record whose changes cannot be worked out (the ledger unreadable) is dead-lettered
     * alone; the chunk goes on.
     */
    public List<WebhookEvent> detect(Exchange exchange) throws Exception {
        List<WebhookEvent> events = new ArrayList<>();
        for (ConnectionRecord record : RecordJson.chunk(exchange.getMessage().getBody())) {
            try {
                detect(record, events, exchange);
            } catch (SQLException | RuntimeException e) {
                deadLetters.write(DeadLetter.ofRecord(exchange, "deliver", "deliver-webhook", e, record,
                        "direct:deliver-webhook"));
            }
        }
        return events;
    }

    private void detect(ConnectionRecord record, List<WebhookEvent> events, Exchange exchange) throws SQLException {
        // the record's one JSON form, as the event's data
        JsonNode data = json.valueToTree(record);
        String fingerprint = watched.fingerprint(data);
        String status = record.status().name();
        Map<String, WebhookLedger.Entry> heard = null;
        for (WebhookSubscriber subscriber : subscribers.all()) {
            if (!subscriber.wantsSource(record.source())) {
                trace.webhookSkipped(exchange, record, subscriber.id(), "filtered out by its sources", null);
                continue;
            }
            if (heard == null) {
                heard = ledger.lookup(record.key());
            }
            WebhookLedger.Entry last = heard.get(subscriber.id());
            if (last != null && last.fingerprint().equals(fingerprint)) {
                trace.webhookSkipped(exchange, record, subscriber.id(), "unchanged since its last 2xx", last.eventId());
                continue;
            }
            if (!subscriber.wantsStatus(record.status())) {
                if (last != null) {
                    ledger.leftFilter(subscriber.id(), record.key(), status, fingerprint);
                }
                trace.webhookSkipped(exchange, record, subscriber.id(), "filtered out by its statuses", null);
                continue;
            }
            String id = eventId(subscriber.id(), record.key(), last == null ? "" : last.eventId(), fingerprint);
            if (deadLettered.contains(id)) {
                trace.webhookSkipped(exchange, record, subscriber.id(), "parked in the dead-letter store until a replay",
                        id);
                continue;
            }
            if (!ledger.claim(subscriber.id(), record.key(), last == null ? null : last.eventId(), id, clock.instant())) {
                continue;
            }
            String type = last == null ? CREATED : last.status().equals(status) ? UPDATED : STATUS_CHANGED;
            trace.webhookQueued(exchange, record, subscriber.id(), id, type);
            events.add(new WebhookEvent(id, type, subscriber.id(), record.key(), status, fingerprint,
                    body(id, type, last == null ? null : last.status(), data)));
        }
    }

    /** Each split part: the event onto its exchange. */
    public void stage(Exchange exchange) throws InvalidPayloadException {
        exchange.getMessage().getMandatoryBody(WebhookEvent.class).applyTo(exchange);
    }

    /**
     * Stable for one change: the same subscriber, connection, last acknowledged event and new
     * state give the same id, so a re-detected change after a failure reuses it and receivers can
     * deduplicate. Chaining the last acknowledged event keeps A to B to A to B from repeating an id.
     */
    static String eventId(String subscriber, String connectionKey, String lastEventId, String fingerprint) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha.digest(String.join("\n", subscriber, connectionKey, lastEventId, fingerprint)
                    .getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private byte[] body(String id, String type, String previousStatus, JsonNode data) {
        ObjectNode event = json.createObjectNode();
        event.put("id", id);
        event.put("type", type);
        event.put("timestamp", clock.instant().toString());
        event.put("previous_status", previousStatus);
        event.set("data", data);
        try {
            return json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a webhook event could not be serialized", e);
        }
    }
}
