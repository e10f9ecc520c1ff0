package io.connectionrelay.core;

/** One upstream element cannot become a ConnectionRecord; its siblings are unaffected. */
public class RecordMappingException extends RuntimeException {

    public RecordMappingException(String message) {
        super(message);
    }

    public RecordMappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
