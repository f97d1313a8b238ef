-- 0016-ledger-digest.sqlite.sql: ledger_event made again with digest a
-- blob (bd_unhex, the engine's function, converts the hex) and without
-- REFERENCES; its rows copied in seq order, its indexes and locking
-- triggers made again.
DROP TRIGGER ledger_event_no_update;
DROP TRIGGER ledger_event_no_delete;
DROP INDEX ledger_event_ref;
DROP INDEX ledger_event_batch;
ALTER TABLE ledger_event RENAME TO ledger_event_0016;
CREATE TABLE ledger_event (
	seq @id@,
	id @text@ NOT NULL UNIQUE,
	digest @blob@ NOT NULL,
	kind @text@ NOT NULL CHECK (kind = 'payment' OR kind = 'attest' OR kind = 'execute' OR kind = 'requisition'
	                          OR kind = 'lapse' OR kind = 'repay-claim' OR kind = 'repay-receive'
	                          OR kind = 'report' OR kind = 'correction' OR kind = 'bank-accept'
	                          OR kind = 'bank-book' OR kind = 'bank-reject' OR kind = 'bank-return'
	                          OR kind = 'allocation-raise' OR kind = 'allocation-reduce'),
	part_id @int@ NOT NULL,
	org_id @int@ NOT NULL,
	amount @int@ NOT NULL CHECK (amount >= 0),
	from_bucket @text@,
	to_bucket @text@,
	date @text@ NOT NULL,
	actor @text@ NOT NULL,
	ref_seq @int@,
	batch @text@,
	detail @text@,
	recorded @text@ NOT NULL
);
INSERT INTO ledger_event (seq, id, digest, kind, part_id, org_id, amount, from_bucket, to_bucket, date, actor,
                          ref_seq, batch, detail, recorded)
	SELECT seq, id, bd_unhex(digest), kind, part_id, org_id, amount, from_bucket, to_bucket, date, actor,
	       ref_seq, batch, detail, recorded
	FROM ledger_event_0016 ORDER BY seq;
DROP TABLE ledger_event_0016;
CREATE INDEX ledger_event_ref ON ledger_event(ref_seq) WHERE ref_seq IS NOT NULL;
CREATE INDEX ledger_event_batch ON ledger_event(batch) WHERE batch IS NOT NULL;
CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event
@refuse('ledger events are never changed: record a correction')@;
CREATE TRIGGER ledger_event_no_delete BEFORE DELETE ON ledger_event
@refuse('ledger events are never deleted: record a correction')@;
