package io.connectionrelay.record;

/** An organization on one side of a connection. Every field may be null: vendors omit them. */
public record Party(String id, String name, String website, String type) {
}
