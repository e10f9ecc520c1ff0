package io.connectionrelay.deadletter;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import io.connectionrelay.ops.RelayMetrics;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every store does around a write, so both treat a failure to store a failure alike: it is
 * counted (relay_dead_letter_write_failures_total), logged once per kind of error naming the
 * setting that says where the store is, remembered for readiness, and answered with false so the
 * handler marks its exchange ({@link DeadLetter#stored}). A stored entry is counted, logged, and
 * handed to the trace.
 */
final class DeadLetterWrites {

    /** Stores one letter; throws when it cannot. */
    interface Write {
        DeadLetterEntry store(DeadLetter letter) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);

    private final CamelContext context;
    private final RelayMetrics metrics;
    private final SecretMasker masker;
    private final String where;
    private final String setting;
    private final Set<String> failedReplays = ConcurrentHashMap.newKeySet();
    private final Set<String> loggedFailures = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean loggedAbandoned = new AtomicBoolean();
    /** Why a write failed since {@link #takeFailure} was last called; null when none did. */
    private volatile String lastFailure;
    private volatile BiConsumer<DeadLetter, DeadLetterEntry> onStored = (letter, entry) -> { };

    /**
     * @param where   the store, as the log and readiness name it
     * @param setting the setting that chooses it, named in the log with its environment variable
     */
    DeadLetterWrites(CamelContext context, RelayMetrics metrics, SecretMasker masker, String where, String setting) {
        this.context = context;
        this.metrics = metrics;
        this.masker = masker;
        this.where = where;
        this.setting = setting;
    }

    /**
     * Keeps one failure. False when nothing was stored: the write failed (counted, logged), or a
     * stop past camel.main.shutdown-timeout abandoned the work, which the next cycle polls again.
     */
    boolean write(DeadLetter letter, Write write) {
        if (abandonedByStop()) {
            if (loggedAbandoned.compareAndSet(false, true)) {
                LOG.warn("The stop outlasted camel.main.shutdown-timeout: failures of the abandoned work are not "
                        + "dead-lettered, because the next cycle polls every record again and the webhook ledger "
                        + "resends what no subscriber acknowledged");
            }
            return false;
        }
        DeadLetterEntry entry;
        try {
            entry = write.store(letter);
        } catch (Exception e) {
            notStored(letter, e);
            return false;
        }
        if (letter.replayOf() != null && letter.replayOf().equals(entry.id())) {
            failedReplays.add(entry.id());
        }
        metrics.deadLettered(letter.stage());
        onStored.accept(letter, entry);
        LOG.warn("Dead-lettered {} failure in {} (source {}, channel {}) after {} attempt(s): {} -> {}{}",
                letter.stage(), letter.step(), entry.source(), entry.channel(), letter.attempts(), entry.error(),
                entry.id(), entry.occurrences() > 1 ? " (updated: " + entry.occurrences() + " occurrences)" : "");
        return true;
    }

    void onStored(BiConsumer<DeadLetter, DeadLetterEntry> listener) {
        this.onStored = listener;
    }

    boolean replayFailed(String id) {
        return failedReplays.contains(id);
    }

    /** Why the last write failed, once; empty when none failed since the last call. */
    Optional<String> takeFailure() {
        String failure = lastFailure;
        lastFailure = null;
        return Optional.ofNullable(failure);
    }

    /** Camel refuses every further step once a stop outlasts its timeout; the work in flight is abandoned. */
    private boolean abandonedByStop() {
        return context.getShutdownStrategy().isForceShutdown() || context.isStopped();
    }

    private void notStored(DeadLetter letter, Exception e) {
        if (letter.replayOf() != null) {
            failedReplays.add(letter.replayOf());
        }
        String why = masker.mask(describe(e));
        lastFailure = "the last dead letter could not be written to " + where + ": " + why;
        metrics.deadLetterNotStored(letter.stage());
        // one line per kind of failure, not one per record: a full disk fails thousands of writes alike
        if (loggedFailures.add(e.getClass().getName())) {
            LOG.error("Cannot store dead letters in {} ({}, environment variable {}): {}. This {} failure in {} and "
                    + "every later one that cannot be written are NOT in the store: they are counted in "
                    + "relay_dead_letter_write_failures_total and readiness goes DOWN.",
                    where, setting, Settings.envName(setting), why, letter.stage(), letter.step());
        } else {
            LOG.debug("Dead letter of {} failure in {} not stored: {}", letter.stage(), letter.step(), why);
        }
    }

    static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
