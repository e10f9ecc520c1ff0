package io.connectionrelay.core;

/**
 * Where a failure that survived its retries is kept for a replay (the dead-letter store). Every
 * failure handler hands it an explicit {@link DeadLetter}; if keeping it fails, that failure
 * propagates: a failure to record a failure is itself a failure.
 */
public interface DeadLetters {

    void write(DeadLetter letter) throws Exception;
}
