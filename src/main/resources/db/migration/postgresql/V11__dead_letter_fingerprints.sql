-- A failure that happens again (the same record failing the same way in every cycle) counts in
-- its entry instead of adding one (deadletter/FailureFingerprint). The unique index decides which
-- of two replicas writing the same failure at once inserts the row: the other's
-- INSERT ... ON CONFLICT (fingerprint) DO UPDATE counts it in that row. Entries written before
-- this have no fingerprint (NULL never conflicts) and stand for one failure each.
ALTER TABLE relay_dead_letter ADD COLUMN fingerprint VARCHAR(64);
ALTER TABLE relay_dead_letter ADD COLUMN occurrences INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX relay_dead_letter_fingerprint ON relay_dead_letter (fingerprint);
