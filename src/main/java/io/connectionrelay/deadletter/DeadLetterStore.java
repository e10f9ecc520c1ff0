package io.connectionrelay.deadletter;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.DeadLetters;

/**
 * Where failures are kept for a replay, as the commands, readiness, metrics and the trace use it.
 * A single process keeps them in a folder ({@link DeadLetterFolder}); replicas in cluster mode in
 * the state database they share ({@link DeadLetterTable}), so any replica lists and replays them.
 * Both keep a failure that happens again in its entry, counted ({@link DeadLetterEntry#occurrences}),
 * rather than as one more.
 * <p>
 * A replay {@link #claim claims} an entry before acting on it, and then either {@link #remove
 * removes} it (it went through) or {@link #release releases} it (it failed again): two replays
 * running at once never act on one entry both.
 */
public interface DeadLetterStore extends DeadLetters {

    /** Where the entries are, for a person: a folder, or the state database. */
    String location();

    /** At startup: a store that cannot be written would lose every failure, so the relay does not start. */
    void requireWritable();

    /**
     * Why dead letters cannot be stored, if they cannot: a probe write fails now, or a dead letter
     * failed to be written since the last time this was asked (so a failure the probe does not
     * reproduce still shows once). Read by the readiness check.
     */
    Optional<String> writeProblem();

    /** Told of each entry once it is stored (the connection trace), on the thread that stored it. */
    void onStored(BiConsumer<DeadLetter, DeadLetterEntry> listener);

    /** Every entry, claimed by a replay or not, oldest first. */
    List<DeadLetterEntry> list() throws IOException;

    /** How many entries the store holds now (a replayed entry is removed). */
    long count() throws IOException;

    /**
     * Claims an entry for this process's replay before it acts on it, and returns it as it is now;
     * empty when it is gone or another replay holds it. A claim older than
     * relay.dead-letter.stale-claim-after is taken to belong to a replay that died.
     */
    Optional<DeadLetterEntry> claim(String id) throws IOException;

    /** The replay did not go through: the entry (updated if it failed again) is back in the store. */
    void release(DeadLetterEntry entry) throws IOException;

    /** The replay went through: the entry leaves the store. */
    void remove(DeadLetterEntry entry) throws IOException;

    /** The entry's payload as it was stored (secrets masked), read as a stream: it can be any size. */
    InputStream openPayload(DeadLetterEntry entry) throws IOException;

    /** True when a replay of this entry was dead-lettered again during this process. */
    boolean replayFailed(String id);
}
