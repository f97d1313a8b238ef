-- 0001: the grant register.  Organisations and their groups, key datasets
-- (immutable, versioned), appropriation posts, agreements, decisions with
-- their parts, funding, keys and locked allocation tables.
--
-- Money is whole kronor in INTEGER columns.  Dates are TEXT 'YYYY-MM-DD'.
-- A decision's document of record is its canonical decision file (JSON);
-- the tables below are what queries, the ledger and verification use, and
-- `bidrag decision verify` checks the two against each other.

CREATE TABLE org (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('region', 'kommun', 'samverkansregion', 'payee', 'rss', 'rcc',
	                                   'skr', 'agency', 'other')),
	orgnr TEXT CHECK (orgnr IS NULL OR length(orgnr) = 11),
	bankgiro TEXT,
	plusgiro TEXT,
	payment_ref TEXT,
	lan_code TEXT,
	kommun_code TEXT,
	builtin INTEGER NOT NULL DEFAULT 0,
	CHECK (bankgiro IS NULL OR plusgiro IS NULL)
);
CREATE INDEX org_orgnr ON org(orgnr);

CREATE TABLE org_group (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('samverkansregion', 'rcc', 'regions', 'kommuner', 'rss', 'other')),
	payee_org_id INTEGER REFERENCES org(id)
);

CREATE TABLE org_group_member (
	group_id INTEGER NOT NULL REFERENCES org_group(id),
	org_id INTEGER NOT NULL REFERENCES org(id),
	PRIMARY KEY (group_id, org_id)
) WITHOUT ROWID;

CREATE TABLE dataset (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	version INTEGER NOT NULL CHECK (version >= 1),
	ref_date TEXT,
	label TEXT,
	unit TEXT,
	source TEXT,
	scale INTEGER NOT NULL DEFAULT 0,
	sha256 TEXT NOT NULL,
	registered TEXT NOT NULL,
	UNIQUE (name, version),
	UNIQUE (name, sha256)
);

CREATE TABLE dataset_value (
	dataset_id INTEGER NOT NULL REFERENCES dataset(id),
	recipient TEXT NOT NULL,
	value INTEGER NOT NULL,
	PRIMARY KEY (dataset_id, recipient)
) WITHOUT ROWID;

-- A key dataset never changes once registered: a correction is a new
-- version, and the allocations that used the old one keep pointing at it.
CREATE TRIGGER dataset_no_update BEFORE UPDATE ON dataset
BEGIN SELECT RAISE(ABORT, 'key datasets are immutable: register a correction as a new version'); END;
CREATE TRIGGER dataset_no_delete BEFORE DELETE ON dataset
BEGIN SELECT RAISE(ABORT, 'key datasets are immutable: register a correction as a new version'); END;
CREATE TRIGGER dataset_value_no_update BEFORE UPDATE ON dataset_value
BEGIN SELECT RAISE(ABORT, 'key datasets are immutable: register a correction as a new version'); END;
CREATE TRIGGER dataset_value_no_delete BEFORE DELETE ON dataset_value
BEGIN SELECT RAISE(ABORT, 'key datasets are immutable: register a correction as a new version'); END;

CREATE TABLE appropriation (
	id INTEGER PRIMARY KEY,
	budget_year INTEGER NOT NULL,
	uo INTEGER NOT NULL,
	uo_name TEXT,
	anslag TEXT NOT NULL,
	anslag_name TEXT,
	post INTEGER NOT NULL,
	post_name TEXT NOT NULL,
	available INTEGER CHECK (available IS NULL OR available >= 0),
	UNIQUE (budget_year, uo, anslag, post)
);

CREATE TABLE agreement (
	id INTEGER PRIMARY KEY,
	dnr TEXT UNIQUE,
	date TEXT,
	title TEXT,
	parties TEXT,          -- JSON array of names
	total INTEGER,
	reference TEXT
);

CREATE TABLE decision (
	id INTEGER PRIMARY KEY,
	dnr TEXT NOT NULL UNIQUE,
	date TEXT NOT NULL,
	department TEXT,
	addressee TEXT,
	title TEXT NOT NULL,
	total INTEGER NOT NULL CHECK (total >= 0),
	agreement_id INTEGER REFERENCES agreement(id),
	signatories TEXT,      -- JSON array
	copies TEXT,           -- JSON array
	text TEXT,
	document TEXT NOT NULL,        -- the canonical decision file
	document_sha256 TEXT NOT NULL,
	registered TEXT NOT NULL
);

CREATE TABLE decision_appropriation (
	decision_id INTEGER NOT NULL REFERENCES decision(id),
	appropriation_id INTEGER NOT NULL REFERENCES appropriation(id),
	local_id TEXT NOT NULL,
	PRIMARY KEY (decision_id, appropriation_id)
) WITHOUT ROWID;

CREATE TABLE payee (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	bankgiro TEXT,
	plusgiro TEXT,
	bank TEXT,
	reference TEXT,
	address TEXT,          -- JSON array of lines
	CHECK (bankgiro IS NULL OR plusgiro IS NULL)
);

CREATE TABLE part (
	id INTEGER PRIMARY KEY,
	decision_id INTEGER NOT NULL REFERENCES decision(id),
	ord INTEGER NOT NULL,
	code TEXT NOT NULL,
	title TEXT NOT NULL,
	amount INTEGER NOT NULL CHECK (amount >= 0),
	recipient_set TEXT,
	method TEXT NOT NULL CHECK (method IN ('key', 'mix', 'equal', 'list')),
	rounding TEXT NOT NULL CHECK (rounding IN ('largest-remainder', 'half-up')),
	base INTEGER NOT NULL DEFAULT 0,
	unit INTEGER NOT NULL DEFAULT 1 CHECK (unit >= 1),
	published INTEGER NOT NULL,
	payee_id INTEGER REFERENCES payee(id),
	pay_mode TEXT NOT NULL CHECK (pay_mode IN ('without-requisition', 'requisition')),
	pay_from TEXT,
	pay_to TEXT,
	pay_by TEXT,
	requisition_deadline TEXT,
	lapses INTEGER NOT NULL DEFAULT 0,
	repayment_deadline TEXT,
	report_deadline TEXT,
	fingerprint TEXT NOT NULL,
	UNIQUE (decision_id, code),
	UNIQUE (decision_id, ord)
);

CREATE TABLE part_funding (
	part_id INTEGER NOT NULL REFERENCES part(id),
	appropriation_id INTEGER NOT NULL REFERENCES appropriation(id),
	amount INTEGER NOT NULL CHECK (amount >= 0),
	PRIMARY KEY (part_id, appropriation_id)
) WITHOUT ROWID;

CREATE TABLE part_key (
	part_id INTEGER NOT NULL REFERENCES part(id),
	ord INTEGER NOT NULL,
	dataset_id INTEGER NOT NULL REFERENCES dataset(id),
	weight TEXT NOT NULL,  -- exact: "1/2"
	PRIMARY KEY (part_id, ord)
) WITHOUT ROWID;

CREATE TABLE allocation (
	part_id INTEGER NOT NULL REFERENCES part(id),
	ord INTEGER NOT NULL,
	org_id INTEGER NOT NULL REFERENCES org(id),
	label TEXT NOT NULL,
	amount INTEGER NOT NULL CHECK (amount >= 0),
	payee_id INTEGER REFERENCES payee(id),
	PRIMARY KEY (part_id, ord),
	UNIQUE (part_id, org_id)
);

-- A registered decision is a record: its allocation is locked.
CREATE TRIGGER allocation_locked_update BEFORE UPDATE ON allocation
BEGIN SELECT RAISE(ABORT, 'allocations are locked once the decision is registered'); END;
CREATE TRIGGER allocation_locked_delete BEFORE DELETE ON allocation
BEGIN SELECT RAISE(ABORT, 'allocations are locked once the decision is registered'); END;
CREATE TRIGGER part_locked_update BEFORE UPDATE ON part
BEGIN SELECT RAISE(ABORT, 'a registered decision''s parts are locked'); END;
CREATE TRIGGER decision_locked_update BEFORE UPDATE OF dnr, date, total, document, document_sha256 ON decision
BEGIN SELECT RAISE(ABORT, 'a registered decision is locked'); END;
CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision
BEGIN SELECT RAISE(ABORT, 'a registered decision cannot be deleted'); END;
