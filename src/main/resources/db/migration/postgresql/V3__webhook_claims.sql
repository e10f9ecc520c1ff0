-- A detected change is claimed in the ledger row before its event is queued, in one conditional
-- statement, so two replicas (or two cycles) never both decide that the same change is news. A row
-- may now hold a claim for a connection the subscriber has not acknowledged anything about yet.
ALTER TABLE relay_webhook_ledger ALTER COLUMN status DROP NOT NULL;
ALTER TABLE relay_webhook_ledger ALTER COLUMN fingerprint DROP NOT NULL;
ALTER TABLE relay_webhook_ledger ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE relay_webhook_ledger ALTER COLUMN delivered_at DROP NOT NULL;
ALTER TABLE relay_webhook_ledger ADD COLUMN claimed_event_id VARCHAR(64);
ALTER TABLE relay_webhook_ledger ADD COLUMN claimed_by VARCHAR(200);
ALTER TABLE relay_webhook_ledger ADD COLUMN claimed_at TIMESTAMP WITH TIME ZONE;
