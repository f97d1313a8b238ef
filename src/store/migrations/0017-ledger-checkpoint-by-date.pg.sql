-- 0017-ledger-checkpoint-by-date.pg.sql: the key (date, part_id, org_id)
-- and the foreign keys dropped (their names are PostgreSQL's defaults for
-- the PRIMARY KEY and REFERENCES of 0015).
ALTER TABLE ledger_checkpoint DROP CONSTRAINT IF EXISTS ledger_checkpoint_part_id_fkey;
ALTER TABLE ledger_checkpoint DROP CONSTRAINT IF EXISTS ledger_checkpoint_org_id_fkey;
ALTER TABLE ledger_checkpoint DROP CONSTRAINT ledger_checkpoint_pkey;
ALTER TABLE ledger_checkpoint ADD PRIMARY KEY (date, part_id, org_id);
