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
	seq INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,          -- the client's id: a retry is recognised
	digest TEXT NOT NULL,             -- of the event's content
	-- Written as ORs, not IN (...): SQLite builds a temporary index for an
	-- IN list on every insert, which halved the ledger's recording speed.
	kind TEXT NOT NULL CHECK (kind = 'payment' OR kind = 'attest' OR kind = 'execute' OR kind = 'requisition'
	                          OR kind = 'lapse' OR kind = 'repay-claim' OR kind = 'repay-receive'
	                          OR kind = 'report' OR kind = 'correction'),
	part_id INTEGER NOT NULL REFERENCES part(id),
	org_id INTEGER NOT NULL REFERENCES org(id),
	amount INTEGER NOT NULL CHECK (amount >= 0),
	from_bucket TEXT,
	to_bucket TEXT,
	date TEXT NOT NULL,
	actor TEXT NOT NULL,
	ref_seq INTEGER REFERENCES ledger_event(seq),
	batch TEXT,
	detail TEXT,                      -- JSON: signed_by, reason, override, declared
	recorded TEXT NOT NULL
);
CREATE INDEX ledger_event_ref ON ledger_event(ref_seq) WHERE ref_seq IS NOT NULL;
CREATE INDEX ledger_event_batch ON ledger_event(batch) WHERE batch IS NOT NULL;

CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event
BEGIN SELECT RAISE(ABORT, 'ledger events are never changed: record a correction'); END;
CREATE TRIGGER ledger_event_no_delete BEFORE DELETE ON ledger_event
BEGIN SELECT RAISE(ABORT, 'ledger events are never deleted: record a correction'); END;

CREATE TABLE ledger_balance (
	part_id INTEGER NOT NULL REFERENCES part(id),
	org_id INTEGER NOT NULL REFERENCES org(id),
	allocated INTEGER NOT NULL,
	avail INTEGER NOT NULL,
	requisitioned INTEGER NOT NULL,
	registered INTEGER NOT NULL,
	attested INTEGER NOT NULL,
	paid INTEGER NOT NULL,
	lapsed INTEGER NOT NULL,
	claimed INTEGER NOT NULL,
	repaid INTEGER NOT NULL,
	reports INTEGER NOT NULL,
	last_date TEXT NOT NULL,
	last_seq INTEGER NOT NULL,
	PRIMARY KEY (part_id, org_id),
	CHECK (avail >= 0 AND requisitioned >= 0 AND registered >= 0 AND attested >= 0 AND paid >= 0
	       AND lapsed >= 0 AND claimed >= 0 AND repaid >= 0),
	CHECK (avail + requisitioned + registered + attested + paid + lapsed + claimed + repaid = allocated)
) WITHOUT ROWID;

CREATE TABLE pay_batch (
	id TEXT NOT NULL,
	format TEXT NOT NULL CHECK (format IN ('pain001', 'lb')),
	created TEXT NOT NULL,
	payments INTEGER NOT NULL,
	total INTEGER NOT NULL,           -- öre
	file BLOB NOT NULL,
	sha256 TEXT NOT NULL,
	PRIMARY KEY (id, format)
);
CREATE TRIGGER pay_batch_no_update BEFORE UPDATE ON pay_batch
BEGIN SELECT RAISE(ABORT, 'an exported payment file is never changed'); END;
