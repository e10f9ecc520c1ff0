package io.connectionrelay.app;

import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.deadletter.DeadLetterStore;
import io.connectionrelay.deadletter.ReplayCycles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.connectionrelay.core.DeadLetter;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

/** --dead-letters lists the store; --replay[=ID] sends entries back into the step that failed. */
public final class DeadLetterCommands {

    private DeadLetterCommands() {
    }

    public static int run(Main main, String replayFlag) throws Exception {
        main.addOverrideProperty("relay.once", "true");
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
                + store.folder().toAbsolutePath());
        for (DeadLetterEntry e : entries) {
            System.out.printf("%s  %-9s %-22s source=%s channel=%s attempts=%d replays=%d http=%s%n    %s%n", e.id(),
                    e.stage(), e.step(), e.source(), e.channel(), e.attempts(), e.replays(),
                    e.httpStatus() == null ? "-" : e.httpStatus(), e.error());
        }
    }

    /**
     * Replays every entry (or one) into the step that failed; an entry that goes through is
     * removed, one that fails there again is kept and updated. Each entry is claimed first, so a
     * replay running at the same time (another process, another host on a shared folder) never
     * acts on it too; it is skipped here. True when all went through.
     */
    public static boolean replay(CamelContext context, DeadLetterStore store, String onlyId) throws Exception {
        List<DeadLetterEntry> entries = store.list().stream()
                .filter(e -> onlyId == null || onlyId.equals(e.id()))
                .toList();
        if (onlyId != null && entries.isEmpty()) {
            System.out.println("No dead-letter entry " + onlyId + " in " + store.folder().toAbsolutePath());
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
        byte[] payload = Files.readAllBytes(store.payloadOf(entry));
        Exchange result = producer.send(entry.replayUri(), exchange -> {
            entry.properties().forEach(exchange::setProperty);
            cycles.join(entry, exchange);
            exchange.setProperty(DeadLetter.REPLAY_OF, entry.id());
            entry.headers().forEach((k, v) -> exchange.getMessage().setHeader(k, v));
            exchange.getMessage().setBody(payload.length == 0 ? null : new String(payload, StandardCharsets.UTF_8));
        });
        OneShotRun.awaitIdle(context, Duration.ofMinutes(5));
        return result.getException() == null && !store.replayFailed(entry.id());
    }
}
