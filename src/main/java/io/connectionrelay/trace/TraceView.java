package io.connectionrelay.trace;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A connection's history as --trace prints it (one line per event) and as JSON (--trace --json, GET /trace). */
public final class TraceView {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TraceView() {
    }

    /** time, source, cycle, step, outcome, details; "-" where a column has no value. */
    public static String text(String connectionId, List<TraceEvent> events) {
        if (events.isEmpty()) {
            return "No trace of connection " + connectionId + " (kept for relay.trace.retention)\n";
        }
        String format = "%-" + width(events, TraceEvent::source) + "s  %-" + width(events, TraceEvent::cycle)
                + "s  %-" + width(events, TraceEvent::step) + "s  %-" + (width(events, TraceEvent::outcome) + 1)
                + "s  %s%n";
        StringBuilder out = new StringBuilder();
        for (TraceEvent e : events) {
            out.append(e.at()).append("  ").append(String.format(format, dash(e.source()), dash(e.cycle()), e.step(),
                    e.outcome() + (e.connectionId() == null ? "*" : ""), details(e.detail())));
        }
        if (events.stream().anyMatch(e -> e.connectionId() == null)) {
            out.append("* concerns the whole cycle (every connection in it)\n");
        }
        return out.toString();
    }

    /** A JSON array, newest first: at, connectionId, source, cycle, step, outcome, detail. */
    public static String json(List<TraceEvent> events) {
        ArrayNode array = JSON.createArrayNode();
        for (TraceEvent e : events) {
            ObjectNode event = array.addObject();
            event.put("at", e.at().toString());
            event.put("connectionId", e.connectionId());
            event.put("source", e.source());
            event.put("cycle", e.cycle());
            event.put("step", e.step());
            event.put("outcome", e.outcome());
            event.set("detail", JSON.valueToTree(e.detail()));
        }
        try {
            return JSON.writeValueAsString(array) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String details(Map<String, Object> detail) {
        return detail.entrySet().stream().map(d -> d.getKey() + "=" + oneLine(d.getValue()))
                .collect(Collectors.joining(" "));
    }

    /** Error texts hold line breaks, vendor data anything: one event per line, no control sequence in the terminal. */
    private static String oneLine(Object value) {
        return String.valueOf(value).replaceAll("\\p{Cntrl}+", " ");
    }

    /** Columns as wide as their longest value, so a terminal shows them aligned. */
    private static int width(List<TraceEvent> events, Function<TraceEvent, String> column) {
        return events.stream().map(column).mapToInt(v -> dash(v).length()).max().orElse(1);
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }
}
