-- 0001: the grant register.  Organisations and their groups, key datasets
-- (immutable, versioned), appropriation posts, agreements, decisions with
-- their parts, funding, keys and locked allocation tables.
--
-- Money is whole kronor in 64-bit integer columns.  Dates are text 'YYYY-MM-DD'.
-- A decision's document of record is its canonical decision file (JSON);
-- the tables below are what queries, the ledger and verification use, and
-- `bidrag decision verify` checks the two against each other.

CREATE TABLE org (
	id @id@,
	code @text@ NOT NULL UNIQUE,
	name @text@ NOT NULL,
	kind @text@ NOT NULL CHECK (kind IN ('region', 'kommun', 'samverkansregion', 'payee', 'rss', 'rcc',
	                                   'skr', 'agency', 'other')),
	orgnr @text@ CHECK (orgnr IS NULL OR length(orgnr) = 11),
	bankgiro @text@,
	plusgiro @text@,
	payment_ref @text@,
	lan_code @text@,
	kommun_code @text@,
	builtin @int@ NOT NULL DEFAULT 0,
	CHECK (bankgiro IS NULL OR plusgiro IS NULL)
);
CREATE INDEX org_orgnr ON org(orgnr);

CREATE TABLE org_group (
	id @id@,
	code @text@ NOT NULL UNIQUE,
	name @text@ NOT NULL,
	kind @text@ NOT NULL CHECK (kind IN ('samverkansregion', 'rcc', 'regions', 'kommuner', 'rss', 'other')),
	payee_org_id @int@ REFERENCES org(id)
);

CREATE TABLE org_group_member (
	group_id @int@ NOT NULL REFERENCES org_group(id),
	org_id @int@ NOT NULL REFERENCES org(id),
	PRIMARY KEY (group_id, org_id)
) @without-rowid@;

CREATE TABLE dataset (
	id @id@,
	name @text@ NOT NULL,
	version @int@ NOT NULL CHECK (version >= 1),
	ref_date @text@,
	label @text@,
	unit @text@,
	source @text@,
	scale @int@ NOT NULL DEFAULT 0,
	sha256 @text@ NOT NULL,
	registered @text@ NOT NULL,
	UNIQUE (name, version),
	UNIQUE (name, sha256)
);

CREATE TABLE dataset_value (
	dataset_id @int@ NOT NULL REFERENCES dataset(id),
	recipient @text@ NOT NULL,
	value @int@ NOT NULL,
	PRIMARY KEY (dataset_id, recipient)
) @without-rowid@;

-- A key dataset never changes once registered: a correction is a new
-- version, and the allocations that used the old one keep pointing at it.
CREATE TRIGGER dataset_no_update BEFORE UPDATE ON dataset
@refuse('key datasets are immutable: register a correction as a new version')@;
CREATE TRIGGER dataset_no_delete BEFORE DELETE ON dataset
@refuse('key datasets are immutable: register a correction as a new version')@;
CREATE TRIGGER dataset_value_no_update BEFORE UPDATE ON dataset_value
@refuse('key datasets are immutable: register a correction as a new version')@;
CREATE TRIGGER dataset_value_no_delete BEFORE DELETE ON dataset_value
@refuse('key datasets are immutable: register a correction as a new version')@;

CREATE TABLE appropriation (
	id @id@,
	budget_year @int@ NOT NULL,
	uo @int@ NOT NULL,
	uo_name @text@,
	anslag @text@ NOT NULL,
	anslag_name @text@,
	post @int@ NOT NULL,
	post_name @text@ NOT NULL,
	available @int@ CHECK (available IS NULL OR available >= 0),
	UNIQUE (budget_year, uo, anslag, post)
);

CREATE TABLE agreement (
	id @id@,
	dnr @text@ UNIQUE,
	date @text@,
	title @text@,
	parties @text@,          -- JSON array of names
	total @int@,
	reference @text@
);

CREATE TABLE decision (
	id @id@,
	dnr @text@ NOT NULL UNIQUE,
	date @text@ NOT NULL,
	department @text@,
	addressee @text@,
	title @text@ NOT NULL,
	total @int@ NOT NULL CHECK (total >= 0),
	agreement_id @int@ REFERENCES agreement(id),
	signatories @text@,      -- JSON array
	copies @text@,           -- JSON array
	text @text@,
	document @text@ NOT NULL,        -- the canonical decision file
	document_sha256 @text@ NOT NULL,
	registered @text@ NOT NULL
);

CREATE TABLE decision_appropriation (
	decision_id @int@ NOT NULL REFERENCES decision(id),
	appropriation_id @int@ NOT NULL REFERENCES appropriation(id),
	local_id @text@ NOT NULL,
	PRIMARY KEY (decision_id, appropriation_id)
) @without-rowid@;

CREATE TABLE payee (
	id @id@,
	org_id @int@ NOT NULL REFERENCES org(id),
	bankgiro @text@,
	plusgiro @text@,
	bank @text@,
	reference @text@,
	address @text@,          -- JSON array of lines
	CHECK (bankgiro IS NULL OR plusgiro IS NULL)
);

CREATE TABLE part (
	id @id@,
	decision_id @int@ NOT NULL REFERENCES decision(id),
	ord @int@ NOT NULL,
	code @text@ NOT NULL,
	title @text@ NOT NULL,
	amount @int@ NOT NULL CHECK (amount >= 0),
	recipient_set @text@,
	method @text@ NOT NULL CHECK (method IN ('key', 'mix', 'equal', 'list')),
	rounding @text@ NOT NULL CHECK (rounding IN ('largest-remainder', 'half-up')),
	base @int@ NOT NULL DEFAULT 0,
	unit @int@ NOT NULL DEFAULT 1 CHECK (unit >= 1),
	published @int@ NOT NULL,
	payee_id @int@ REFERENCES payee(id),
	pay_mode @text@ NOT NULL CHECK (pay_mode IN ('without-requisition', 'requisition')),
	pay_from @text@,
	pay_to @text@,
	pay_by @text@,
	requisition_deadline @text@,
	lapses @int@ NOT NULL DEFAULT 0,
	repayment_deadline @text@,
	report_deadline @text@,
	fingerprint @text@ NOT NULL,
	UNIQUE (decision_id, code),
	UNIQUE (decision_id, ord)
);

CREATE TABLE part_funding (
	part_id @int@ NOT NULL REFERENCES part(id),
	appropriation_id @int@ NOT NULL REFERENCES appropriation(id),
	amount @int@ NOT NULL CHECK (amount >= 0),
	PRIMARY KEY (part_id, appropriation_id)
) @without-rowid@;

CREATE TABLE part_key (
	part_id @int@ NOT NULL REFERENCES part(id),
	ord @int@ NOT NULL,
	dataset_id @int@ NOT NULL REFERENCES dataset(id),
	weight @text@ NOT NULL,  -- exact: "1/2"
	PRIMARY KEY (part_id, ord)
) @without-rowid@;

CREATE TABLE allocation (
	part_id @int@ NOT NULL REFERENCES part(id),
	ord @int@ NOT NULL,
	org_id @int@ NOT NULL REFERENCES org(id),
	label @text@ NOT NULL,
	amount @int@ NOT NULL CHECK (amount >= 0),
	payee_id @int@ REFERENCES payee(id),
	PRIMARY KEY (part_id, ord),
	UNIQUE (part_id, org_id)
);

-- A registered decision is a record: its allocation is locked.
CREATE TRIGGER allocation_locked_update BEFORE UPDATE ON allocation
@refuse('allocations are locked once the decision is registered')@;
CREATE TRIGGER allocation_locked_delete BEFORE DELETE ON allocation
@refuse('allocations are locked once the decision is registered')@;
CREATE TRIGGER part_locked_update BEFORE UPDATE ON part
@refuse('a registered decision''s parts are locked')@;
CREATE TRIGGER decision_locked_update BEFORE UPDATE OF dnr, date, total, document, document_sha256 ON decision
@refuse('a registered decision is locked')@;
CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision
@refuse('a registered decision cannot be deleted')@;
