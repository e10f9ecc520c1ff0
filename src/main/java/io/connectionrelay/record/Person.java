package io.connectionrelay.record;

/** A contact or account manager. Every field may be null: vendors omit them. */
public record Person(String id, String name, String email, String phone, String jobTitle) {

    public static Person of(String name, String email) {
        return new Person(null, name, email, null, null);
    }
}
