-- 0016-ledger-digest.pg.sql: digest from hex text to bytea, and the
-- foreign keys of ledger_event dropped (their names are PostgreSQL's
-- defaults for the REFERENCES of 0002).
ALTER TABLE ledger_event ALTER COLUMN digest TYPE bytea USING decode(digest, 'hex');
ALTER TABLE ledger_event DROP CONSTRAINT IF EXISTS ledger_event_part_id_fkey;
ALTER TABLE ledger_event DROP CONSTRAINT IF EXISTS ledger_event_org_id_fkey;
ALTER TABLE ledger_event DROP CONSTRAINT IF EXISTS ledger_event_ref_seq_fkey;
