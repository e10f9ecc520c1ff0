package io.connectionrelay.core;

/** The upstream body is not the JSON document the vendor documents (truncated, not JSON, wrong shape). */
public class MalformedPayloadException extends Exception {

    public MalformedPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
