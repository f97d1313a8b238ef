-- 0002: the disbursement ledger.
--
-- Money moves between buckets of one (part, recipient) account:
--   avail -> requisitioned -> registered -> attested -> paid -> claimed -> repaid
--   avail -> lapsed
-- Every event is one double-entry movement of `amount` öre from one bucket
-- to another (an allocation enters `avail` from the appropriation post when
-- the account is opened).  Nothing is ever updated or deleted: a correction
-- is a reversing event.  ledger_balance caches the buckets' sums; it is
-- always what replaying the events gives (the tests check it).

CREATE TABLE ledger_event (
	seq @id@,
	id @text@ NOT NULL UNIQUE,          -- the client's id: a retry is recognised
	digest @text@ NOT NULL,             -- of the event's content
	-- Written as ORs, not IN (...): SQLite builds a temporary index for an
	-- IN list on every insert, which halved the ledger's recording speed.
	kind @text@ NOT NULL CHECK (kind = 'payment' OR kind = 'attest' OR kind = 'execute' OR kind = 'requisition'
	                          OR kind = 'lapse' OR kind = 'repay-claim' OR kind = 'repay-receive'
	                          OR kind = 'report' OR kind = 'correction'),
	part_id @int@ NOT NULL REFERENCES part(id),
	org_id @int@ NOT NULL REFERENCES org(id),
	amount @int@ NOT NULL CHECK (amount >= 0),
	from_bucket @text@,
	to_bucket @text@,
	date @text@ NOT NULL,
	actor @text@ NOT NULL,
	ref_seq @int@ REFERENCES ledger_event(seq),
	batch @text@,
	detail @text@,                      -- JSON: signed_by, reason, override, declared
	recorded @text@ NOT NULL
);
CREATE INDEX ledger_event_ref ON ledger_event(ref_seq) WHERE ref_seq IS NOT NULL;
CREATE INDEX ledger_event_batch ON ledger_event(batch) WHERE batch IS NOT NULL;

CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event
@refuse('ledger events are never changed: record a correction')@;
CREATE TRIGGER ledger_event_no_delete BEFORE DELETE ON ledger_event
@refuse('ledger events are never deleted: record a correction')@;

CREATE TABLE ledger_balance (
	part_id @int@ NOT NULL REFERENCES part(id),
	org_id @int@ NOT NULL REFERENCES org(id),
	allocated @int@ NOT NULL,
	avail @int@ NOT NULL,
	requisitioned @int@ NOT NULL,
	registered @int@ NOT NULL,
	attested @int@ NOT NULL,
	paid @int@ NOT NULL,
	lapsed @int@ NOT NULL,
	claimed @int@ NOT NULL,
	repaid @int@ NOT NULL,
	reports @int@ NOT NULL,
	last_date @text@ NOT NULL,
	last_seq @int@ NOT NULL,
	PRIMARY KEY (part_id, org_id),
	CHECK (avail >= 0 AND requisitioned >= 0 AND registered >= 0 AND attested >= 0 AND paid >= 0
	       AND lapsed >= 0 AND claimed >= 0 AND repaid >= 0),
	CHECK (avail + requisitioned + registered + attested + paid + lapsed + claimed + repaid = allocated)
) @without-rowid@;

CREATE TABLE pay_batch (
	id @text@ NOT NULL,
	format @text@ NOT NULL CHECK (format IN ('pain001', 'lb')),
	created @text@ NOT NULL,
	payments @int@ NOT NULL,
	total @int@ NOT NULL,           -- öre
	file @blob@ NOT NULL,
	sha256 @text@ NOT NULL,
	PRIMARY KEY (id, format)
);
CREATE TRIGGER pay_batch_no_update BEFORE UPDATE ON pay_batch
@refuse('an exported payment file is never changed')@;
