package io.connectionrelay.core;

/**
 * Where a failure that survived its retries is kept for a replay (the dead-letter store). Every
 * failure handler hands it an explicit {@link DeadLetter}. A failure to keep one is itself a
 * failure: the store counts and reports it, and answers false so the handler can say so.
 */
public interface DeadLetters {

    /** @return false when the letter could not be stored */
    boolean write(DeadLetter letter);
}
