-- The dead-letter store in cluster mode (deadletter/DeadLetterTable): every replica writes its
-- failures here, so --dead-letters and --replay work from any of them. A single process keeps its
-- dead letters in relay.dead-letter.folder instead, which is why H2 has no such tables.
--
-- One row per entry, the fields of deadletter/DeadLetterEntry (secrets masked before they are
-- written; properties and headers as JSON objects). A replay claims a row with one conditional
-- UPDATE (claimed_by is NULL, or claimed_at older than relay.dead-letter.stale-claim-after), so of
-- two replays only one acts on it.
CREATE TABLE relay_dead_letter (
    id VARCHAR(100) NOT NULL,
    failed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    first_failed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    stage VARCHAR(20) NOT NULL,
    step VARCHAR(200),
    source VARCHAR(200),
    channel VARCHAR(50),
    attempts INTEGER NOT NULL,
    replays INTEGER NOT NULL,
    error TEXT,
    http_status INTEGER,
    response_body TEXT,
    replay_uri TEXT,
    properties TEXT NOT NULL,
    headers TEXT NOT NULL,
    payload_bytes BIGINT NOT NULL,
    claimed_by VARCHAR(300),
    claimed_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT relay_dead_letter_pk PRIMARY KEY (id)
);

-- The payload in parts of 1 MiB, written and read one part at a time: the driver reads a bytea
-- value whole into memory, and a failed poll's payload is the whole upstream body (hundreds of MB).
-- The parts are written before their entry row (which carries their total size), in the same
-- transaction: the reference is checked at commit.
CREATE TABLE relay_dead_letter_payload (
    entry_id VARCHAR(100) NOT NULL
        REFERENCES relay_dead_letter (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    part INTEGER NOT NULL,
    bytes BYTEA NOT NULL,
    CONSTRAINT relay_dead_letter_payload_pk PRIMARY KEY (entry_id, part)
);
