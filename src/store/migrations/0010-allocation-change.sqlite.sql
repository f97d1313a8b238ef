-- 0010-allocation-change.sqlite.sql: the kinds allocation-raise and
-- allocation-reduce let into ledger_event.  SQLite cannot change a CHECK:
-- the table is made again with the wider one (as 0009 did), its rows copied
-- in seq order (each refers back), its indexes and locking triggers made
-- again.
DROP TRIGGER ledger_event_no_update;
DROP TRIGGER ledger_event_no_delete;
DROP INDEX ledger_event_ref;
DROP INDEX ledger_event_batch;
ALTER TABLE ledger_event RENAME TO ledger_event_0010;
CREATE TABLE ledger_event (
	seq @id@,
	id @text@ NOT NULL UNIQUE,
	digest @text@ NOT NULL,
	kind @text@ NOT NULL CHECK (kind = 'payment' OR kind = 'attest' OR kind = 'execute' OR kind = 'requisition'
	                          OR kind = 'lapse' OR kind = 'repay-claim' OR kind = 'repay-receive'
	                          OR kind = 'report' OR kind = 'correction' OR kind = 'bank-accept'
	                          OR kind = 'bank-book' OR kind = 'bank-reject' OR kind = 'bank-return'
	                          OR kind = 'allocation-raise' OR kind = 'allocation-reduce'),
	part_id @int@ NOT NULL REFERENCES part(id),
	org_id @int@ NOT NULL REFERENCES org(id),
	amount @int@ NOT NULL CHECK (amount >= 0),
	from_bucket @text@,
	to_bucket @text@,
	date @text@ NOT NULL,
	actor @text@ NOT NULL,
	ref_seq @int@ REFERENCES ledger_event(seq),
	batch @text@,
	detail @text@,
	recorded @text@ NOT NULL
);
INSERT INTO ledger_event SELECT * FROM ledger_event_0010 ORDER BY seq;
DROP TABLE ledger_event_0010;
CREATE INDEX ledger_event_ref ON ledger_event(ref_seq) WHERE ref_seq IS NOT NULL;
CREATE INDEX ledger_event_batch ON ledger_event(batch) WHERE batch IS NOT NULL;
CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event
@refuse('ledger events are never changed: record a correction')@;
CREATE TRIGGER ledger_event_no_delete BEFORE DELETE ON ledger_event
@refuse('ledger events are never deleted: record a correction')@;
