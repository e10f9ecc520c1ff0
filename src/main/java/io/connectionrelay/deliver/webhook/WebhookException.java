package io.connectionrelay.deliver.webhook;

import io.connectionrelay.core.HttpFailure;

/**
 * A subscriber did not take an event, classified by {@link io.connectionrelay.core.HttpAnswer}.
 * Carries what the dead letter records: the HTTP status (0 for no answer) and the start of the body.
 */
public class WebhookException extends Exception implements HttpFailure {

    private final int httpStatus;
    private final String responseBody;

    public WebhookException(String message, int httpStatus, String responseBody, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.responseBody = responseBody;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }

    @Override
    public String responseBody() {
        return responseBody;
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
