package io.connectionrelay.deliver.email;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Person;

/**
 * What the digest templates see (README "Email digests" lists the names). Every value is one line
 * of plain text: control characters are gone, and escaping for HTML is the template engine's job.
 */
final class DigestModel {

    private static final DateTimeFormatter GENERATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** Longest in their status first: those have waited longest for someone to act. */
    static final Comparator<ConnectionRecord> ORDER = Comparator
            .comparing((ConnectionRecord r) -> r.derived() == null ? null : r.derived().daysInStatus(),
                    Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(r -> r.counterparty() == null ? null : r.counterparty().name(),
                    Comparator.nullsLast(String.CASE_INSENSITIVE_ORDER));

    private DigestModel() {
    }

    /** Rows in the order given: {@link #ORDER} is the one a reader expects. */
    static Map<String, Object> of(DigestRecipient recipient, List<ConnectionRecord> records, Instant now,
            boolean csvAttached) {
        List<Map<String, Object>> rows = records.stream().map(DigestModel::row).toList();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("headline", headline(records.size()));
        model.put("summary", summary(records));
        model.put("count", records.size());
        model.put("managerName", recipient.name() == null || recipient.name().isEmpty() ? recipient.email()
                : recipient.name());
        model.put("managerEmail", recipient.email());
        model.put("generatedAt", GENERATED.format(now));
        model.put("connections", rows);
        model.put("hasSyncProblems", rows.stream().anyMatch(r -> r.get("syncProblem") != null));
        model.put("csvAttached", csvAttached);
        return model;
    }

    static String headline(int count) {
        return count == 1 ? "1 partner connection needs attention"
                : count + " partner connections need attention";
    }

    /** What needs attention, e.g. "2 pending, 1 inactive; 1 sync problem". */
    static String summary(List<ConnectionRecord> records) {
        Map<CanonicalStatus, Long> byStatus = records.stream().filter(r -> r.status() != null)
                .collect(Collectors.groupingBy(ConnectionRecord::status, () -> new EnumMap<>(CanonicalStatus.class),
                        Collectors.counting()));
        String statuses = byStatus.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        long syncProblems = records.stream().filter(r -> syncProblem(r) != null).count();
        if (syncProblems == 0) {
            return statuses;
        }
        String sync = syncProblems + (syncProblems == 1 ? " sync problem" : " sync problems");
        return statuses.isEmpty() ? sync : statuses + "; " + sync;
    }

    private static Map<String, Object> row(ConnectionRecord record) {
        Map<String, Object> row = new LinkedHashMap<>();
        Long days = record.derived() == null ? null : record.derived().daysInStatus();
        row.put("counterparty", text(record.counterparty() == null ? null : record.counterparty().name(), "(unnamed)"));
        row.put("status", record.status() == null ? "Unknown" : label(record.status()));
        row.put("vendorStatus", text(record.vendorStatus(), null));
        row.put("daysInStatus", days);
        row.put("inStatusFor", days == null ? null : days == 1 ? "1 day" : days + " days");
        row.put("contact", contact(record.counterpartyContact()));
        row.put("contactName", text(person(record.counterpartyContact(), Person::name), null));
        row.put("contactEmail", text(person(record.counterpartyContact(), Person::email), null));
        row.put("contactPhone", text(person(record.counterpartyContact(), Person::phone), null));
        row.put("source", text(record.source(), ""));
        row.put("connectionId", text(record.connectionId(), ""));
        row.put("syncProblem", syncProblem(record));
        return row;
    }

    private static String syncProblem(ConnectionRecord record) {
        if (record.derived() == null) {
            return null;
        }
        String reason = text(record.derived().syncFailureReason(), null);
        return reason != null ? reason : record.derived().syncFailed() ? "last sync failed" : null;
    }

    private static String contact(Person person) {
        if (person == null) {
            return "";
        }
        return Stream.of(person.name(), person.email(), person.phone()).map(v -> text(v, null))
                .filter(Objects::nonNull).collect(Collectors.joining(", "));
    }

    private static String person(Person person, Function<Person, String> field) {
        return person == null ? null : field.apply(person);
    }

    private static String label(CanonicalStatus status) {
        String name = status.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static String text(String value, String fallback) {
        String clean = HeaderText.oneLine(value);
        return clean == null || clean.isEmpty() ? fallback : clean;
    }
}
