-- 0007-payee-account.sql: payees' accounts as master data, changed under
-- four eyes (src/store/payee.c), and the account each exported payment was
-- paid to.
--
-- A payee's account is kept in versions: the first comes from an import
-- (one person's act), every later one from a change that one person
-- proposed with the evidence and another approved (payee_change).  Until
-- then payments go to the old account.  Versions and the accounts batches
-- paid are never changed or deleted; a change's account and evidence are
-- never changed, only its decision is recorded once.

CREATE TABLE payee_change (
	id @id@,
	org_id @int@ NOT NULL REFERENCES org(id),
	bankgiro @text@,                  -- the account proposed: one of bankgiro,
	plusgiro @text@,                  -- plusgiro and iban (with its bic),
	iban @text@,                      -- in canonical form
	bic @text@,
	reference @text@,                 -- NULL: the payee's stays
	evidence @text@ NOT NULL,         -- the text given, or the file's name
	evidence_sha256 @text@,           -- of the file (NULL for a text)
	evidence_file @blob@,             -- the file itself (the payee's signed letter)
	proposed_by @text@ NOT NULL,
	proposed_on @text@ NOT NULL,      -- YYYY-MM-DD
	source @text@ NOT NULL,           -- 'payee propose', or the import's file and row
	state @text@ NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'approved', 'rejected')),
	decided_by @text@,
	decided_on @text@,
	recorded @text@ NOT NULL,         -- when proposed (UTC)
	CHECK ((CASE WHEN bankgiro IS NULL THEN 0 ELSE 1 END) + (CASE WHEN plusgiro IS NULL THEN 0 ELSE 1 END)
	       + (CASE WHEN iban IS NULL THEN 0 ELSE 1 END) = 1),
	CHECK ((iban IS NULL) = (bic IS NULL)),
	CHECK ((state = 'proposed') = (decided_by IS NULL))
);
-- One open change per payee: a second waits until the first is decided.
CREATE UNIQUE INDEX payee_change_open ON payee_change (org_id) WHERE state = 'proposed';
CREATE TRIGGER payee_change_fixed BEFORE UPDATE OF id, org_id, bankgiro, plusgiro, iban, bic, reference, evidence,
	evidence_sha256, evidence_file, proposed_by, proposed_on, source, recorded ON payee_change
@refuse('a proposed change of account is never changed: reject it and propose another')@;
CREATE TRIGGER payee_change_no_delete BEFORE DELETE ON payee_change
@refuse('a proposed change of account is never deleted')@;

CREATE TABLE payee_account (
	id @id@,
	org_id @int@ NOT NULL REFERENCES org(id),
	version @int@ NOT NULL CHECK (version >= 1),
	bankgiro @text@,
	plusgiro @text@,
	iban @text@,
	bic @text@,
	reference @text@,
	since @text@ NOT NULL,            -- YYYY-MM-DD: the day it took effect
	how @text@ NOT NULL CHECK (how IN ('import', 'change', 'reference')),
	changed_on @text@,                -- the day the account last took effect by an approved change (NULL: never)
	change_id @int@ REFERENCES payee_change(id),
	by_user @text@ NOT NULL,          -- who imported or approved it
	source @text@ NOT NULL,
	recorded @text@ NOT NULL,
	UNIQUE (org_id, version),
	CHECK ((CASE WHEN bankgiro IS NULL THEN 0 ELSE 1 END) + (CASE WHEN plusgiro IS NULL THEN 0 ELSE 1 END)
	       + (CASE WHEN iban IS NULL THEN 0 ELSE 1 END) = 1),
	CHECK ((iban IS NULL) = (bic IS NULL)),
	CHECK ((how = 'change') = (change_id IS NOT NULL))
);
CREATE TRIGGER payee_account_no_update BEFORE UPDATE ON payee_account
@refuse('a payee''s account is changed by a new version, never in place')@;
CREATE TRIGGER payee_account_no_delete BEFORE DELETE ON payee_account
@refuse('a payee''s account is never deleted')@;

-- The account an exported batch paid each payment to: the account approved
-- at export time, which may be another than the one the payment was
-- registered with.
CREATE TABLE pay_batch_account (
	payment_id @text@ PRIMARY KEY,    -- the payment event's id
	batch @text@ NOT NULL,
	payee_name @text@ NOT NULL,
	orgnr @text@,
	bankgiro @text@,
	plusgiro @text@,
	iban @text@,
	bic @text@,
	reference @text@,
	account_id @int@ REFERENCES payee_account(id), -- the payee register's version (NULL: an account from before it)
	CHECK ((CASE WHEN bankgiro IS NULL THEN 0 ELSE 1 END) + (CASE WHEN plusgiro IS NULL THEN 0 ELSE 1 END)
	       + (CASE WHEN iban IS NULL THEN 0 ELSE 1 END) = 1)
);
CREATE INDEX pay_batch_account_batch ON pay_batch_account (batch);
CREATE TRIGGER pay_batch_account_no_update BEFORE UPDATE ON pay_batch_account
@refuse('the account a batch paid is never changed')@;
CREATE TRIGGER pay_batch_account_no_delete BEFORE DELETE ON pay_batch_account
@refuse('the account a batch paid is never deleted')@;
