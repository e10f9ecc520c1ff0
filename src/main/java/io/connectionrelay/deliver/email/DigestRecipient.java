package io.connectionrelay.deliver.email;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Person;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** The account manager a record's digest goes to: record.accountManager, validated as a mail address. */
record DigestRecipient(String email, String name) {

    /** Thrown for a record no digest can be addressed to; it is dead-lettered alone. */
    static final class NoDigestRecipientException extends RuntimeException {
        NoDigestRecipientException(String message) {
            super(message);
        }
    }

    static DigestRecipient of(ConnectionRecord record) {
        Person manager = record.accountManager();
        String email = manager == null ? null : manager.email();
        if (email == null || email.isBlank()) {
            throw new NoDigestRecipientException("connection " + record.key()
                    + " has no account manager email (accountManager.email), so no digest can be addressed;"
                    + " relay.enrich.default-manager.email sets one for such records");
        }
        String trimmed = email.strip();
        try {
            if (trimmed.chars().anyMatch(Character::isISOControl)) {
                throw new AddressException("control characters in the address");
            }
            new InternetAddress(trimmed, true).validate();
        } catch (AddressException e) {
            throw new NoDigestRecipientException("connection " + record.key()
                    + " has an invalid account manager email (accountManager.email): " + HeaderText.oneLine(trimmed)
                    + " (" + e.getMessage() + ")");
        }
        return new DigestRecipient(trimmed, HeaderText.oneLine(manager.name()));
    }

    /** Addresses differing only in case reach the same person: one digest for both. */
    String groupKey() {
        return email.toLowerCase(Locale.ROOT);
    }

    InternetAddress address() {
        try {
            return name == null || name.isEmpty() ? new InternetAddress(email, true)
                    : new InternetAddress(email, name, StandardCharsets.UTF_8.name());
        } catch (AddressException | UnsupportedEncodingException e) {
            throw new IllegalStateException("validated address " + email + " no longer parses", e);
        }
    }
}
