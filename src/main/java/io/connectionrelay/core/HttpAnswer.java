package io.connectionrelay.core;

import java.time.Duration;

/**
 * The one reading of an HTTP answer from an upstream API or a webhook subscriber: what to do
 * about it, and how long the other side asked us to wait. Upstream calls, the Crux login and
 * webhook deliveries all decide here, so they cannot drift apart.
 */
public enum HttpAnswer {
    /** 2xx. */
    SUCCESS,
    /** 408, 429, 5xx, or no answer at all (I/O error, timeout): worth retrying after a delay. */
    TRANSIENT,
    /** 401: the credentials were refused; worth one retry with fresh ones. */
    REAUTHENTICATE,
    /** Any other status: retrying cannot help. */
    PERMANENT;

    /** @param status the HTTP status, 0 when no answer came */
    public static HttpAnswer of(int status) {
        if (status >= 200 && status < 300) {
            return SUCCESS;
        }
        if (status == 0 || status == 408 || status == 429 || status >= 500) {
            return TRANSIENT;
        }
        return status == 401 ? REAUTHENTICATE : PERMANENT;
    }

    /**
     * Retry-After as seconds, possibly fractional ("0.62"); null when absent or unreadable. HTTP
     * dates are rare for APIs and ignored.
     */
    public static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(header.trim());
            return seconds < 0 ? null : Duration.ofMillis((long) Math.ceil(seconds * 1000));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
