-- Camel's ClusteredJdbcAggregationRepository (cluster mode) notes which replica closed a digest, so
-- that only that replica re-sends it after a crash instead of every replica re-sending the others'.
ALTER TABLE email_digest_completed ADD COLUMN instance_id VARCHAR(255);
