package io.connectionrelay.core;

/** A failure that came with an HTTP answer: a dead letter records its status and the start of its body. */
public interface HttpFailure {

    /** 0 when no answer came (I/O error, timeout). */
    int httpStatus();

    /** The start of the answer's body, or null. */
    String responseBody();
}
