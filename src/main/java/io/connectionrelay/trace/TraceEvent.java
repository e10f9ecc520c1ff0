package io.connectionrelay.trace;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One thing that happened to one connection's record (or, with no connection id, to a whole
 * cycle of a source): a step such as poll, route, csv, webhook or email, its outcome, and a few
 * details. Details are ids, statuses, file names and addresses, never names or secrets.
 */
public record TraceEvent(
        Instant at,
        String connectionId,
        String source,
        String cycle,
        String step,
        String outcome,
        Map<String, Object> detail) implements TraceItem {

    @Override
    public int events() {
        return 1;
    }

    /** Details from name, value pairs, in that order; a null value is left out. */
    static Map<String, Object> details(Object... pairs) {
        Map<String, Object> detail = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                detail.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return detail;
    }
}
