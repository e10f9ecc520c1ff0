package io.connectionrelay.core;

import java.time.Duration;

/**
 * A call to an upstream or a subscriber that failed, classified by {@link HttpAnswer}. Carries what
 * a dead letter records (the HTTP status, 0 when no answer came, and the start of the answer's
 * body) and what the next retry waits for (Retry-After).
 */
public abstract class HttpFailure extends Exception {

    private final int httpStatus;
    private final String responseBody;

    protected HttpFailure(String message, int httpStatus, String responseBody, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.responseBody = responseBody;
    }

    /** 0 when no answer came (I/O error, timeout). */
    public int httpStatus() {
        return httpStatus;
    }

    /** The start of the answer's body, or null. */
    public String responseBody() {
        return responseBody;
    }

    /** How long the server asked us to wait (Retry-After), or null. */
    public Duration retryAfter() {
        return null;
    }
}
