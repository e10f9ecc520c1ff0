package io.connectionrelay.deliver.email;

import java.util.List;

/**
 * One manager's digest as composed from the state database: what is new since their last digest,
 * what still waits, and what resolved. A reminder has nothing new.
 *
 * @param manager the group key (the address in lower case)
 */
record Digest(String manager, DigestRecipient recipient, List<DigestEntry> entries) {

    List<DigestEntry> in(DigestEntry.Section section) {
        return entries.stream().filter(e -> e.section() == section).toList();
    }

    boolean isReminder() {
        return entries.stream().noneMatch(e -> e.section() != DigestEntry.Section.WAITING);
    }
}
