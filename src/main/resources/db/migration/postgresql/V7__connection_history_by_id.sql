-- enrich reads a chunk's history with connection_id IN (...): by id alone, because with the
-- source as well the planner walks the primary key through every row of the source
CREATE INDEX IF NOT EXISTS relay_connection_history_id ON relay_connection_history (connection_id);
