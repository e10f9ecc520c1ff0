package io.connectionrelay.deliver.webhook;

import io.connectionrelay.core.HttpFailure;

/** A subscriber did not take an event. */
public class WebhookException extends HttpFailure {

    public WebhookException(String message, int httpStatus, String responseBody, Throwable cause) {
        super(message, httpStatus, responseBody, cause);
    }

    /** 408, 429, 5xx, a timeout or an I/O error: retried with backoff. */
    public static class Transient extends WebhookException {
        public Transient(String message, int httpStatus, String responseBody, Throwable cause) {
            super(message, httpStatus, responseBody, cause);
        }
    }

    /** Any other non-2xx answer: retrying cannot help, so it is dead-lettered at once. */
    public static class Permanent extends WebhookException {
        public Permanent(String message, int httpStatus, String responseBody) {
            super(message, httpStatus, responseBody, null);
        }
    }
}
