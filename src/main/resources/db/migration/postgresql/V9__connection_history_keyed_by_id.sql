-- The connection history keyed by (connection_id, source) rather than (source, connection_id):
-- enrich reads a chunk with connection_id IN (...), which the key's first column now serves, so
-- the separate index on connection_id (V7) goes, one index fewer to update per first sight.
ALTER TABLE relay_connection_history DROP CONSTRAINT relay_connection_history_pkey;
DROP INDEX IF EXISTS relay_connection_history_id;
ALTER TABLE relay_connection_history ADD PRIMARY KEY (connection_id, source);
