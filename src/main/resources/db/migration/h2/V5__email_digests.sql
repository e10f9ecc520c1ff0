-- email: what each account manager was told in their digests (README "Email digests"). A digest
-- is decided by news, against these tables, not by a closing window.

-- One row per connection the email channel has seen in a routed status, under its manager.
--   state            its canonical status, or RESOLVED once it left the statuses routed to email
--   resolved_as      the status it left for
--   reported_state   what the manager's last digest that listed it said (NULL: never listed)
--   reported_in      the Message-ID of the digest that told reported_state (a reminder leaves it)
--   changed_at       when state last changed: the news a digest waits for starts here
-- A row whose state differs from reported_state is news. A RESOLVED row is deleted once a
-- digest has reported it.
CREATE TABLE email_digest_connection (
    source VARCHAR(200) NOT NULL,
    connection_id VARCHAR(200) NOT NULL,
    manager VARCHAR(320) NOT NULL,
    state VARCHAR(16) NOT NULL,
    resolved_as VARCHAR(16),
    reported_state VARCHAR(16),
    reported_in VARCHAR(255),
    changed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    record_json CHARACTER VARYING NOT NULL,
    CONSTRAINT email_digest_connection_pk PRIMARY KEY (source, connection_id)
);
CREATE INDEX email_digest_connection_manager ON email_digest_connection (manager);

-- One row per manager: their last digest, and the claim a sender holds while one is on its way.
CREATE TABLE email_digest_manager (
    manager VARCHAR(320) NOT NULL,
    last_sent_at TIMESTAMP WITH TIME ZONE,
    last_message_id VARCHAR(255),
    last_attempt_at TIMESTAMP WITH TIME ZONE,
    claimed_until TIMESTAMP WITH TIME ZONE,
    CONSTRAINT email_digest_manager_pk PRIMARY KEY (manager)
);
