package io.connectionrelay.deliver.email;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.deliver.email.DigestLedger.Group;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.RecordJson;
import io.connectionrelay.trace.ConnectionTrace;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The email channel's steps (routes/deliver/email.yaml): takes records in, decides whose digest
 * is due, composes it from the state database, and notes what was sent. The decisions themselves
 * are the {@link DigestLedger}'s statements; this adds the window's timing.
 */
public final class DigestDispatch {

    /** The exchange property carrying the composed {@link Digest} from compose to sent. */
    static final String DIGEST = "emailDigest";
    /** How long a claimed digest is the claimant's: longer than its SMTP retries take. */
    static final Duration CLAIM = Duration.ofMinutes(15);

    /** What prompts a look at the groups. */
    public enum Occasion {
        /** the news window's regular check: group-wait, group-interval and repeat-interval apply */
        CHECK,
        /** a one-shot run's end: every group with news now, reminders when due */
        RUN_END,
        /** the cron window fires: every group with anything to say */
        SCHEDULE
    }

    private static final TypeReference<List<ConnectionRecord>> RECORDS = new TypeReference<>() {
    };
    private static final Logger LOG = LoggerFactory.getLogger(DigestDispatch.class);

    private final DigestLedger ledger;
    private final DigestWindow window;
    private final Collection<CanonicalStatus> routed;
    private final Clock clock;

    DigestDispatch(DigestLedger ledger, DigestWindow window, Collection<CanonicalStatus> routed, Clock clock) {
        this.ledger = ledger;
        this.window = window;
        this.routed = routed;
        this.clock = clock;
    }

    /** A routed record (or its JSON, replayed) as the channel keeps it; one no digest can reach fails here. */
    public void accept(Exchange exchange) {
        ConnectionRecord record = RecordJson.record(exchange.getMessage().getBody());
        DigestRecipient.of(record);
        exchange.getMessage().setBody(record);
        exchange.getMessage().setHeader(DigestBatch.SOURCE, String.valueOf(record.source()));
    }

    /**
     * A batch (or a replayed record) into the state database. A batch that cannot be written is
     * dead-lettered as a JSON array of its records, which a replay brings back here.
     */
    public void remember(Exchange exchange) throws SQLException, IOException {
        Object body = exchange.getMessage().getBody();
        List<ConnectionRecord> records = new ArrayList<>();
        if (body instanceof Collection<?> batch) {
            batch.forEach(r -> records.add((ConnectionRecord) r));
        } else if (body instanceof ConnectionRecord record) {
            records.add(record);
        } else {
            records.addAll(RecordJson.mapper().readValue(exchange.getMessage().getBody(String.class), RECORDS));
        }
        try {
            ledger.remember(records, clock.instant());
        } catch (SQLException | RuntimeException e) {
            exchange.getMessage().setBody(RecordJson.mapper().writeValueAsString(records));
            throw e;
        }
    }

    /**
     * A source's cycle is over (or failed): its connections that left the statuses routed to
     * email, as the cycle has just noted in the connection history, have resolved.
     */
    public void cycleOver(Exchange exchange) throws SQLException {
        ledger.resolveLeavers(CycleContext.of(exchange).source(), routed, clock.instant());
    }

    /** The managers whose digest this caller is now to send, each claimed in the state database. */
    public List<String> due(Occasion occasion) throws SQLException {
        Instant now = clock.instant();
        boolean scheduled = window.mode() == DigestWindow.Mode.CRON;
        if (scheduled != (occasion == Occasion.SCHEDULE)) {
            return List.of();
        }
        List<String> claimed = new ArrayList<>();
        for (Group group : ledger.groups()) {
            Instant attemptedBefore = attemptedBefore(group, occasion, now);
            if (attemptedBefore != null && ledger.claim(group, now, now.plus(CLAIM), attemptedBefore)) {
                claimed.add(group.manager());
            }
        }
        return claimed;
    }

    /**
     * Whether the group's digest is due, as the latest earlier attempt a claim may find (the
     * claim re-checks it in the database); null when it is not due.
     */
    private Instant attemptedBefore(Group group, Occasion occasion, Instant now) {
        boolean news = group.newsSince() != null;
        Instant last = group.lastAttempt();
        return switch (occasion) {
            case SCHEDULE -> news || group.outstanding() > 0 ? now : null;
            case RUN_END -> news ? now : reminderDue(group, now) ? now.minus(window.repeatInterval()) : null;
            case CHECK -> {
                if (news) {
                    boolean gathered = !now.isBefore(group.newsSince().plus(window.groupWait()));
                    Instant earliest = now.minus(window.groupInterval());
                    yield gathered && (last == null || !last.isAfter(earliest)) ? earliest : null;
                }
                yield reminderDue(group, now) ? now.minus(window.repeatInterval()) : null;
            }
        };
    }

    private boolean reminderDue(Group group, Instant now) {
        return window.remindsAtAll() && group.outstanding() > 0 && group.lastAttempt() != null
                && !group.lastAttempt().plus(window.repeatInterval()).isAfter(now);
    }

    /**
     * Body: a claimed manager's key. Puts their {@link Digest} in the exchange, or none when there
     * is nothing to tell after all. A replayed entry (a digest that could not be rendered) claims
     * the manager first, whoever holds it.
     */
    public void compose(Exchange exchange) throws SQLException {
        String manager = exchange.getMessage().getBody(String.class);
        Instant now = clock.instant();
        if (exchange.getProperty(DeadLetter.REPLAY_OF) != null) {
            ledger.forceClaim(manager, now, now.plus(CLAIM));
        }
        List<DigestEntry> entries = new ArrayList<>(ledger.entries(manager));
        if (entries.isEmpty()) {
            ledger.release(manager);
            return;
        }
        // the most recently seen record names the manager as they are now
        ConnectionRecord latest = entries.stream().max(Comparator.comparing(DigestEntry::changedAt))
                .orElseThrow().record();
        exchange.setProperty(DIGEST, new Digest(manager, DigestRecipient.of(latest), List.copyOf(entries)));
        exchange.setProperty(ConnectionTrace.DIGEST_CONNECTIONS,
                ConnectionTrace.digestConnections(entries.stream().map(DigestEntry::record).toList()));
    }

    /**
     * The digest was sent, or dead-lettered whole (a replay sends that very message): either way
     * its connections count as told. A replay of a sent message carries no digest: nothing to note.
     */
    public void sent(Exchange exchange) throws SQLException {
        Digest digest = exchange.getProperty(DIGEST, Digest.class);
        if (digest != null) {
            ledger.sent(digest, exchange.getProperty(DigestMail.MESSAGE_ID, String.class), clock.instant());
            exchange.removeProperty(DIGEST);
            LOG.debug("Digest to {} noted: {} connection(s)", digest.manager(), digest.entries().size());
        }
    }
}
