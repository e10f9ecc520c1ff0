package io.connectionrelay.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.deadletter.DeadLetterStore;
import io.connectionrelay.deadletter.ReplayCycles;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.converter.stream.CachedOutputStream;
import org.apache.camel.main.Main;

/**
 * --dead-letters lists the store; --replay[=ID] sends entries back into the step that failed. Both
 * run as a process of their own on the relay's configuration, so in cluster mode they see the
 * store every replica writes to (the state database) from wherever they run.
 */
public final class DeadLetterCommands {

    /** Set by these commands (dead-letters or replay), so the relay they start does not log a run's summary. */
    static final String COMMAND = "relay.command";
    /** Payloads up to this size reach the step as text, as the stages that read records expect them. */
    private static final int TEXT_UP_TO = 1 << 20;

    private DeadLetterCommands() {
    }

    public static int run(Main main, String replayFlag) throws Exception {
        main.addOverrideProperty("relay.once", "true");
        main.addOverrideProperty(COMMAND, replayFlag == null ? "dead-letters" : "replay");
        main.start();
        try {
            CamelContext context = main.getCamelContext();
            DeadLetterStore store = context.getRegistry().lookupByNameAndType("deadLetterStore", DeadLetterStore.class);
            if (replayFlag == null) {
                list(store);
                return 0;
            }
            String only = replayFlag.contains("=") ? replayFlag.substring(replayFlag.indexOf('=') + 1) : null;
            return replay(context, store, only) ? 0 : 1;
        } finally {
            main.stop();
        }
    }

    static void list(DeadLetterStore store) throws Exception {
        List<DeadLetterEntry> entries = store.list();
        System.out.println(entries.size() + " dead-letter entr" + (entries.size() == 1 ? "y" : "ies") + " in "
                + store.location());
        for (DeadLetterEntry e : entries) {
            // the id tells when it failed first; a failure that recurs updates its entry, so the last time shows too
            System.out.printf("%s  %-9s %-22s source=%s channel=%s occurrences=%d last=%s attempts=%d replays=%d "
                    + "http=%s%n    %s%n", e.id(), e.stage(), e.step(), e.source(), e.channel(), e.occurrences(),
                    e.failedAt(), e.attempts(), e.replays(), e.httpStatus() == null ? "-" : e.httpStatus(), e.error());
        }
    }

    /**
     * Replays every entry (or one) into the step that failed; an entry that goes through is
     * removed, one that fails there again is kept and updated. Each entry is claimed first, so a
     * replay running at the same time (another process, another host, another replica) never acts
     * on it too; it is skipped here. True when all went through.
     */
    public static boolean replay(CamelContext context, DeadLetterStore store, String onlyId) throws Exception {
        List<DeadLetterEntry> entries = store.list().stream()
                .filter(e -> onlyId == null || onlyId.equals(e.id()))
                .toList();
        if (onlyId != null && entries.isEmpty()) {
            System.out.println("No dead-letter entry " + onlyId + " in " + store.location());
            return false;
        }
        boolean allOk = true;
        ReplayCycles cycles = new ReplayCycles();
        try (ProducerTemplate producer = context.createProducerTemplate()) {
            for (DeadLetterEntry listed : entries) {
                Optional<DeadLetterEntry> claimed = store.claim(listed.id());
                if (claimed.isEmpty()) {
                    System.out.println("Skipped " + listed.id() + ": another replay has it (or just replayed it)");
                    continue;
                }
                boolean wentThrough = false;
                DeadLetterEntry entry = claimed.get();
                try {
                    wentThrough = replayOne(context, producer, store, cycles, entry);
                } finally {
                    if (wentThrough) {
                        store.remove(entry);
                        cycles.wentThrough(entry);
                    } else {
                        store.release(entry);
                    }
                }
                allOk &= wentThrough;
                System.out.println("Replayed " + entry.id() + " into " + entry.replayUri()
                        + (wentThrough ? ": OK, entry removed" : ": failed again, kept"));
            }
            cycles.end(producer);
            OneShotRun.awaitIdle(context, Duration.ofMinutes(5));
        }
        return allOk;
    }

    private static boolean replayOne(CamelContext context, ProducerTemplate producer, DeadLetterStore store,
            ReplayCycles cycles, DeadLetterEntry entry) throws Exception {
        if (entry.replayUri() == null) {
            System.out.println("Not replayable (no step recorded): " + entry.id());
            return false;
        }
        Exchange result = producer.send(entry.replayUri(), exchange -> {
            entry.properties().forEach(exchange::setProperty);
            cycles.join(entry, exchange);
            exchange.setProperty(DeadLetter.REPLAY_OF, entry.id());
            entry.headers().forEach((k, v) -> exchange.getMessage().setHeader(k, v));
            exchange.getMessage().setBody(payload(exchange, store, entry));
        });
        OneShotRun.awaitIdle(context, Duration.ofMinutes(5));
        return result.getException() == null && !store.replayFailed(entry.id());
    }

    /**
     * The saved payload as the step gets it: null when empty; text up to {@link #TEXT_UP_TO} (a
     * record, an element, a webhook body, a digest); past that (a whole poll's body, a large CSV) a
     * stream cache that Camel spools to disk, so a replay never holds it in memory. Its size is
     * read from the payload itself, not from the entry: an operator may have edited it.
     */
    private static Object payload(Exchange exchange, DeadLetterStore store, DeadLetterEntry entry)
            throws IOException {
        try (InputStream in = store.openPayload(entry)) {
            byte[] start = in.readNBytes(TEXT_UP_TO + 1);
            if (start.length <= TEXT_UP_TO) {
                return start.length == 0 ? null : new String(start, StandardCharsets.UTF_8);
            }
            CachedOutputStream copy = new CachedOutputStream(exchange);
            copy.write(start);
            in.transferTo(copy);
            return copy.newStreamCache();
        }
    }
}
