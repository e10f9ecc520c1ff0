package io.connectionrelay.deliver.email;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.connectionrelay.deliver.email.DigestEntry.Section;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Person;

/**
 * What the digest templates see (docs/channels.md, "Email digests" lists the names). Every value is one line
 * of plain text: control characters are gone, and escaping for HTML is the template engine's job.
 * Links are offered only for values that can only be an address (contactMailto, websiteUrl).
 */
final class DigestModel {

    /** Longest waiting first: those have waited longest for someone to act. */
    static final Comparator<DigestEntry> ORDER = Comparator.comparing(DigestEntry::waitingSince)
            .thenComparing(e -> e.record().counterparty() == null ? null : e.record().counterparty().name(),
                    Comparator.nullsLast(String.CASE_INSENSITIVE_ORDER));
    private static final String MAILBOX = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+";
    private static final String WEBSITE = "(https?://)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(:\\d{1,5})?(/[A-Za-z0-9._~%/-]*)?";

    private DigestModel() {
    }

    static Map<String, Object> of(Digest digest, Instant now, ZoneId zone, boolean csvAttached) {
        List<DigestEntry> fresh = digest.in(Section.NEW).stream().sorted(ORDER).toList();
        List<DigestEntry> waiting = digest.in(Section.WAITING).stream().sorted(ORDER).toList();
        List<DigestEntry> resolved = digest.in(Section.RESOLVED).stream().sorted(ORDER).toList();
        List<Map<String, Object>> newRows = fresh.stream().map(e -> row(e, now)).toList();
        List<Map<String, Object>> waitingRows = waiting.stream().map(e -> row(e, now)).toList();
        List<Map<String, Object>> resolvedRows = resolved.stream().map(e -> row(e, now)).toList();
        int outstanding = fresh.size() + waiting.size();
        long syncProblems = Stream.concat(newRows.stream(), waitingRows.stream())
                .filter(r -> r.get("syncProblem") != null).count();

        DigestRecipient recipient = digest.recipient();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("headline", headline(outstanding));
        model.put("summary", summary(fresh.size(), waiting.size(), resolved.size(), syncProblems));
        model.put("reminder", digest.isReminder());
        model.put("count", outstanding);
        model.put("newCount", fresh.size());
        model.put("waitingCount", waiting.size());
        model.put("resolvedCount", resolved.size());
        model.put("managerName", recipient.name() == null || recipient.name().isEmpty() ? recipient.email()
                : recipient.name());
        model.put("managerEmail", recipient.email());
        model.put("generatedAt", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz", Locale.ROOT).withZone(zone)
                .format(now));
        model.put("hasNew", !fresh.isEmpty());
        model.put("hasWaiting", !waiting.isEmpty());
        model.put("hasResolved", !resolved.isEmpty());
        model.put("newConnections", newRows);
        model.put("waitingConnections", waitingRows);
        model.put("resolvedConnections", resolvedRows);
        model.put("hasSyncProblems", syncProblems > 0);
        model.put("csvAttached", csvAttached);
        return model;
    }

    static String headline(int outstanding) {
        return outstanding == 0 ? "No partner connection needs attention"
                : outstanding == 1 ? "1 partner connection needs attention"
                : outstanding + " partner connections need attention";
    }

    /** What changed, e.g. "1 new, 2 still waiting, 1 resolved; 1 sync problem". */
    static String summary(int fresh, int waiting, int resolved, long syncProblems) {
        String counts = Stream.of(fresh > 0 ? fresh + " new" : null, waiting > 0 ? waiting + " still waiting" : null,
                resolved > 0 ? resolved + " resolved" : null).filter(Objects::nonNull).collect(Collectors.joining(", "));
        if (syncProblems == 0) {
            return counts;
        }
        return counts + "; " + syncProblems + (syncProblems == 1 ? " sync problem" : " sync problems");
    }

    private static Map<String, Object> row(DigestEntry entry, Instant now) {
        ConnectionRecord record = entry.record();
        Map<String, Object> row = new LinkedHashMap<>();
        String website = text(record.counterparty() == null ? null : record.counterparty().website(), null);
        String contactEmail = text(person(record.counterpartyContact(), Person::email), null);
        row.put("counterparty", text(record.counterparty() == null ? null : record.counterparty().name(), "(unnamed)"));
        row.put("website", website);
        row.put("websiteUrl", website != null && website.matches(WEBSITE)
                ? website.startsWith("http") ? website : "https://" + website : null);
        row.put("status", record.status() == null ? "Unknown" : label(record.status()));
        row.put("vendorStatus", text(record.vendorStatus(), null));
        CanonicalStatus previous = record.derived() == null ? null : record.derived().previousStatus();
        row.put("previousStatus", entry.section() == Section.NEW && previous != null ? label(previous) : null);
        row.put("resolvedAs", entry.resolvedAs() == null ? null : label(entry.resolvedAs()));
        Duration waited = Duration.between(entry.waitingSince(), now);
        row.put("daysWaiting", Math.max(0, waited.toDays()));
        row.put("waitingFor", waitingFor(waited));
        row.put("contact", contact(record.counterpartyContact()));
        row.put("contactName", text(person(record.counterpartyContact(), Person::name), null));
        row.put("contactEmail", contactEmail);
        row.put("contactMailto", contactEmail != null && contactEmail.matches(MAILBOX) ? contactEmail : null);
        row.put("contactPhone", text(person(record.counterpartyContact(), Person::phone), null));
        row.put("source", text(record.source(), ""));
        row.put("connectionId", text(record.connectionId(), ""));
        row.put("syncProblem", syncProblem(record));
        return row;
    }

    static String waitingFor(Duration waited) {
        long days = waited.toDays();
        if (days >= 1) {
            return days == 1 ? "1 day" : days + " days";
        }
        long hours = Math.max(0, waited.toHours());
        return hours == 0 ? "less than an hour" : hours == 1 ? "1 hour" : hours + " hours";
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
