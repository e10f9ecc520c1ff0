-- The relay's state as it was before Flyway: IF NOT EXISTS, so a database that an earlier version
-- created (tables, no schema history) is adopted as version 0 and this changes nothing there.

-- enrich: each connection's canonical status and since when
CREATE TABLE IF NOT EXISTS relay_connection_history (
    source          VARCHAR(200) NOT NULL,
    connection_id   VARCHAR(200) NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    previous_status VARCHAR(16),
    status_since    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (source, connection_id)
);

-- webhook: what each subscriber last acknowledged with a 2xx, per connection
CREATE TABLE IF NOT EXISTS relay_webhook_ledger (
    connection_key VARCHAR(512) NOT NULL,
    subscriber     VARCHAR(64)  NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    fingerprint    VARCHAR(64)  NOT NULL,
    event_id       VARCHAR(64)  NOT NULL,
    delivered_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (connection_key, subscriber)
);

-- webhook: Camel's JdbcMessageIdRepository (processor webhook-dead-lettered), its own column names
CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED (
    processorName VARCHAR(255) NOT NULL,
    messageId     VARCHAR(100) NOT NULL,
    createdAt     TIMESTAMP,
    PRIMARY KEY (processorName, messageId)
);

