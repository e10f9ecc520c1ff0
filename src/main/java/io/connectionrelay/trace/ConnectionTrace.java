package io.connectionrelay.trace;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.Exchange;

/**
 * The pipeline's hooks into the connection trace (bean relayTrace): each stage tells it what
 * happened to a record, and it becomes a {@link TraceEvent} for the {@link TraceWriter}. A hook
 * does no I/O and never fails the record it describes. With relay.trace.enabled=false every hook
 * returns at once.
 * <p>
 * What a trace keeps is deliberately small: connection ids, source and cycle, statuses, channel
 * names, CSV file names, webhook ids and subscriber ids, HTTP statuses, dead-letter ids and their
 * (masked) reasons, and a digest's recipient address and Message-ID. No names, no record bodies,
 * no credentials. The recipient address is personal data (docs/operations.md, "Tracing a connection").
 */
public class ConnectionTrace {

    /** A digest's connections (JSON array of source:id keys); saved with its dead letter, so its replay is traced too. */
    public static final String DIGEST_CONNECTIONS = "relayDigestConnections";
    private static final Session MAIL = Session.getInstance(new Properties());
    private static final TypeReference<List<String>> KEYS = new TypeReference<>() {
    };

    /** Whose event: a source and a connection id, or a whole cycle when the id is null. */
    record Subject(String source, String connectionId) {

        /** A ConnectionRecord key, source:connectionId. */
        static Subject ofKey(String key) {
            int colon = key.indexOf(':');
            return colon < 0 ? new Subject(null, key) : new Subject(key.substring(0, colon), key.substring(colon + 1));
        }
    }

    private final TraceWriter writer;
    private final Clock clock;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectMapper json = JSON;

    /** @param writer null when tracing is off */
    public ConnectionTrace(TraceWriter writer, Clock clock) {
        this.writer = writer;
        this.clock = clock;
    }

    public boolean enabled() {
        return writer != null;
    }

    /**
     * Route stage: each record of the chunk as polled (vendor status), its canonical status (and
     * the one before when it changed) and the channels it goes to. Every record passes here, so
     * this is most of what the trace writes: the chunk's events go as one {@link RoutedChunk}. A
     * channel that gathers a cycle into one delivery (a CSV file) adds one event for the cycle.
     */
    public void routed(CycleContext cycle, List<ConnectionRecord> chunk,
            Function<CanonicalStatus, List<String>> channelsFor) {
        if (writer == null || chunk.isEmpty()) {
            return;
        }
        List<RoutedChunk.Routed> routed = new ArrayList<>(chunk.size());
        for (ConnectionRecord record : chunk) {
            CanonicalStatus previous = record.derived() == null ? null : record.derived().previousStatus();
            routed.add(new RoutedChunk.Routed(record.connectionId(), record.vendorStatus(), record.status().name(),
                    previous == null ? null : previous.name(), String.join(",", channelsFor.apply(record.status()))));
        }
        // a chunk comes from one poll, so from one source
        writer.record(new RoutedChunk(clock.instant(), chunk.get(0).source(), cycle.id(), routed));
    }

    /**
     * CSV channel: the cycle's file (CamelFileName) is published to relayTarget; one event for the
     * cycle, shown with each of its connections.
     */
    public void csvPublished(Exchange exchange) {
        if (writer != null) {
            record(exchange, new Subject(source(exchange), null), "csv",
                    "published", TraceEvent.details("file", exchange.getMessage().getHeader(Exchange.FILE_NAME),
                            "target", exchange.getProperty("relayTarget", String.class),
                            "replayOf", exchange.getProperty(DeadLetter.REPLAY_OF, String.class)));
        }
    }

    /** Webhook channel: an event for a subscriber was detected and queued. */
    public void webhookQueued(Exchange exchange, ConnectionRecord record, String subscriber, String webhookId,
            String type) {
        if (writer != null) {
            record(exchange, new Subject(record.source(), record.connectionId()), "webhook", "queued",
                    TraceEvent.details("subscriber", subscriber, "webhookId", webhookId, "type", type));
        }
    }

    /**
     * Webhook channel: nothing sent to this subscriber, and why: unchanged since its last 2xx,
     * filtered out by its .sources or .statuses, or parked in the dead-letter store.
     */
    public void webhookSkipped(Exchange exchange, ConnectionRecord record, String subscriber, String reason,
            String webhookId) {
        if (writer != null) {
            record(exchange, new Subject(record.source(), record.connectionId()), "webhook", "skipped",
                    TraceEvent.details("subscriber", subscriber, "reason", reason, "webhookId", webhookId));
        }
    }

    /** Webhook channel: the subscriber answered 2xx. */
    public void webhookDelivered(Exchange exchange, String connectionKey, String subscriber, String webhookId,
            int httpStatus, int attempts) {
        if (writer != null) {
            record(exchange, Subject.ofKey(connectionKey), "webhook", "delivered", TraceEvent.details(
                    "subscriber", subscriber, "webhookId", webhookId, "httpStatus", httpStatus, "attempts", attempts,
                    "replayOf", exchange.getProperty(DeadLetter.REPLAY_OF, String.class)));
        }
    }

    /** Email channel, composing a digest: the value of {@link #DIGEST_CONNECTIONS} for the connections it lists. */
    public static String digestConnections(List<ConnectionRecord> records) {
        try {
            return JSON.writeValueAsString(records.stream().map(r -> r.source() + ":" + r.connectionId()).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Email channel: the digest went out; one event per connection it lists. */
    public void digestSent(Exchange exchange) {
        if (writer == null || exchange.getProperty(DIGEST_CONNECTIONS) == null) {
            return;
        }
        String recipient = null;
        String messageId = null;
        try {
            Object body = exchange.getMessage().getBody();
            MimeMessage message = body instanceof MimeMessage mime ? mime
                    : new MimeMessage(MAIL, new ByteArrayInputStream(
                            exchange.getMessage().getBody(String.class).getBytes(StandardCharsets.UTF_8)));
            Address[] to = message.getAllRecipients();
            recipient = to == null || to.length == 0 ? null : ((InternetAddress) to[0]).getAddress();
            messageId = message.getMessageID();
        } catch (MessagingException e) {
            // it was sent: the event stands without the two ids rather than fail a delivered digest
        }
        Map<String, Object> detail = TraceEvent.details("recipient", recipient, "messageId", messageId,
                "replayOf", exchange.getProperty(DeadLetter.REPLAY_OF, String.class));
        // one digest tells of several sources' connections: it belongs to none of their cycles,
        // whichever cycle's end happened to send it
        for (Subject subject : digestSubjects(exchange)) {
            writer.record(new TraceEvent(clock.instant(), subject.connectionId(), subject.source(), null, "email",
                    "sent", detail));
        }
    }

    /**
     * The dead-letter store kept a failure as this entry: its id and reason for each connection
     * the failure concerns (a digest's list, a record or chunk, a webhook event's connection, the
     * vendor element that could not be mapped), or for the whole cycle (a poll, a CSV file).
     */
    public void deadLettered(DeadLetter letter, String entryId, String reason, int attempts) {
        if (writer == null) {
            return;
        }
        String step = letter.channel() != null ? letter.channel() : letter.stage();
        Map<String, Object> detail = TraceEvent.details("deadLetterId", entryId, "reason", reason,
                "attempts", attempts, "httpStatus", letter.httpStatus(),
                "subscriber", letter.properties().get("relaySubscriber"),
                "webhookId", letter.headers().get("webhook-id"));
        String cycle = letter.properties().get(CycleContext.CYCLE);
        for (Subject subject : failedSubjects(letter)) {
            writer.record(new TraceEvent(clock.instant(), subject.connectionId(), subject.source(), cycle, step,
                    "dead-lettered", detail));
        }
    }

    // WebhookEvent.CONNECTION, and the webhook's other names: the webhook channel depends on this class
    private List<Subject> failedSubjects(DeadLetter letter) {
        String digest = letter.properties().get(DIGEST_CONNECTIONS);
        if (digest != null) {
            return subjectsOf(digest);
        }
        String webhookConnection = letter.properties().get("relayConnection");
        if (webhookConnection != null) {
            return List.of(Subject.ofKey(webhookConnection));
        }
        String source = letter.source();
        String only = letter.properties().get(CycleContext.ONLY_CONNECTION);
        if (only != null) {
            return List.of(new Subject(source, only));
        }
        Object payload = letter.payload();
        if (payload instanceof ConnectionRecord record) {
            return List.of(new Subject(record.source(), record.connectionId()));
        }
        if (payload instanceof List<?> chunk && !chunk.isEmpty() && chunk.get(0) instanceof ConnectionRecord) {
            return chunk.stream().map(r -> (ConnectionRecord) r)
                    .map(r -> new Subject(r.source(), r.connectionId())).toList();
        }
        JsonNode element = element(payload);
        for (String id : List.of("connectionId", "uuid", "id")) {
            if (element != null && element.path(id).isTextual()) {
                return List.of(new Subject(element.path("source").asText(source), element.path(id).asText()));
            }
        }
        return List.of(new Subject(source, null));
    }

    private JsonNode element(Object payload) {
        if (payload instanceof JsonNode node) {
            return node.isObject() ? node : null;
        }
        String text = payload instanceof String string ? string
                : payload instanceof byte[] bytes && bytes.length < 1 << 20 ? new String(bytes, StandardCharsets.UTF_8)
                : null;
        if (text != null && text.startsWith("{")) {
            try {
                return json.readTree(text);
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        return null;
    }

    private List<Subject> digestSubjects(Exchange exchange) {
        return subjectsOf(exchange.getProperty(DIGEST_CONNECTIONS, String.class));
    }

    private List<Subject> subjectsOf(String digestConnections) {
        try {
            return json.readValue(digestConnections, KEYS).stream().map(Subject::ofKey).toList();
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    private void record(Exchange exchange, Subject subject, String step, String outcome, Map<String, Object> detail) {
        CycleContext cycle = CycleContext.find(exchange);
        writer.record(new TraceEvent(clock.instant(), subject.connectionId(), subject.source(),
                cycle != null ? cycle.id() : exchange.getProperty(CycleContext.CYCLE, String.class), step, outcome,
                detail));
    }

    /** The cycle's source; a replay outside any cycle has it back from its dead letter. */
    private static String source(Exchange exchange) {
        CycleContext cycle = CycleContext.find(exchange);
        return cycle != null ? cycle.source() : exchange.getProperty(CycleContext.SOURCE, String.class);
    }
}
