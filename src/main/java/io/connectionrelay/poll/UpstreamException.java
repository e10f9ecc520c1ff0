package io.connectionrelay.poll;

import java.time.Duration;

import io.connectionrelay.core.HttpFailure;

/** An upstream call failed. */
public class UpstreamException extends HttpFailure {

    public UpstreamException(String message, int httpStatus, String responseBody, Throwable cause) {
        super(message, httpStatus, responseBody, cause);
    }

    /** 408, 429, 5xx or an I/O error: worth retrying after a delay, at least Retry-After when the upstream sent one. */
    public static class Transient extends UpstreamException {
        private final Duration retryAfter;

        public Transient(String message, int httpStatus, String responseBody, Throwable cause) {
            this(message, httpStatus, responseBody, cause, null);
        }

        public Transient(String message, int httpStatus, String responseBody, Throwable cause, Duration retryAfter) {
            super(message, httpStatus, responseBody, cause);
            this.retryAfter = retryAfter;
        }

        /** Null when the upstream did not say. */
        @Override
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** 401: retried once after re-authenticating. */
    public static class Unauthorized extends UpstreamException {
        public Unauthorized(String message, String responseBody) {
            super(message, 401, responseBody, null);
        }
    }

    /** Any other 4xx: retrying cannot help. */
    public static class Permanent extends UpstreamException {
        public Permanent(String message, int httpStatus, String responseBody) {
            super(message, httpStatus, responseBody, null);
        }
    }
}
