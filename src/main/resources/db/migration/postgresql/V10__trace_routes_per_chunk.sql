-- The trace's route step, one row per chunk of records (TraceStore, RoutedChunk): a row and an
-- index entry per record cost the trace writer more than the rest of a cycle's trace together.
-- Such a row has no connection_id and holds entries, a JSON array of
-- [connectionId, vendorStatus, status, previousStatus, channels]; a connection's rows are found
-- by scanning newest first for its id at the start of an entry. In the same table as the other
-- events, so one id sequence keeps the order they were recorded in.
ALTER TABLE relay_trace ADD COLUMN IF NOT EXISTS entries TEXT;
