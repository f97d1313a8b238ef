-- 0009-bank.sql: the bank's files in (bidrag bank import), what each of
-- their entries matched, the matches an officer makes by hand under four
-- eyes, and the numbers and OCR references of repayment claims (the rules
-- are in src/store/bank.c).
--
-- A file is imported once: its SHA-256 is kept, and so is each entry's
-- identity (the bank's own reference where it gives one), so that an entry
-- a second file repeats (a camt.054 notification, then the day's camt.053)
-- is recognised.  Files, entries and claims are never changed or deleted;
-- a hand match's decision is recorded once.  The new ledger event kinds
-- (the bank's answers about a payment) are let into ledger_event by the
-- engines' companions of this migration.

-- A repayment claim: a repay-claim event, or a report that claimed what it
-- declared unused, numbered in the register; its OCR reference is the
-- number with Bankgirot's length and check digits (core's ocr.h).
CREATE TABLE repay_claim (
	number @int@ PRIMARY KEY CHECK (number > 0),
	event_id @text@ NOT NULL UNIQUE,  -- the ledger event that claimed it
	ocr @text@ NOT NULL UNIQUE,
	amount @int@ NOT NULL CHECK (amount > 0), -- öre claimed
	recorded @text@ NOT NULL          -- when (UTC)
);
CREATE TRIGGER repay_claim_no_update BEFORE UPDATE ON repay_claim
@refuse('a repayment claim''s number and OCR reference are never changed')@;
CREATE TRIGGER repay_claim_no_delete BEFORE DELETE ON repay_claim
@refuse('a repayment claim''s number is never deleted')@;

CREATE TABLE bank_file (
	id @id@,
	sha256 @text@ NOT NULL UNIQUE,    -- of the file's bytes
	kind @text@ NOT NULL,             -- pain.002.001.03, camt.053.001.02, camt.054.001.02, BgMax
	name @text@ NOT NULL,             -- the file's name as given
	msg_id @text@,                    -- the message's own id (GrpHdr/MsgId); BgMax: its timestamp
	size @int@ NOT NULL,
	entries @int@ NOT NULL,           -- its entries kept (new ones: a repeated entry is kept once)
	imported_by @text@ NOT NULL,
	imported @text@ NOT NULL          -- when (UTC)
);
CREATE TRIGGER bank_file_no_update BEFORE UPDATE ON bank_file
@refuse('an imported bank file is never changed')@;
CREATE TRIGGER bank_file_no_delete BEFORE DELETE ON bank_file
@refuse('an imported bank file is never deleted')@;

-- An entry of a file: a transaction's status (pain.002), a booked entry's
-- transaction (camt), a payment (BgMax), and what it matched.
CREATE TABLE bank_entry (
	id @id@,
	file_id @int@ NOT NULL REFERENCES bank_file(id),
	ident @text@ NOT NULL UNIQUE,     -- the entry's identity, whichever file brings it
	what @text@ NOT NULL CHECK (what IN ('accepted', 'rejected', 'pending', 'booked', 'returned', 'repaid',
	                                     'unmatched')),
	credit @int@ NOT NULL CHECK (credit IN (0, 1)), -- money in to the agency's account
	date @text@ NOT NULL,             -- YYYY-MM-DD: booked (camt), paid (BgMax), the report's day (pain.002)
	amount @int@ NOT NULL CHECK (amount >= 0), -- öre
	currency @text@ NOT NULL,
	reference @text@,                 -- the EndToEndId, or the OCR reference or text the payer gave
	reason @text@,                    -- the bank's status or return reason code (AC01, ...)
	text @text@,                      -- who paid, what the bank wrote
	batch @text@,                     -- the payment batch it concerns
	payment_id @text@,                -- the payment event it matched
	claim @int@ REFERENCES repay_claim(number), -- the claim it paid
	event_id @text@,                  -- the ledger event recorded for it
	note @text@,                      -- why it is unmatched
	place @text@ NOT NULL             -- where in its file
);
CREATE INDEX bank_entry_date ON bank_entry (date);
CREATE TRIGGER bank_entry_no_update BEFORE UPDATE ON bank_entry
@refuse('an imported bank entry is never changed: match it by hand (bidrag bank match)')@;
CREATE TRIGGER bank_entry_no_delete BEFORE DELETE ON bank_entry
@refuse('an imported bank entry is never deleted')@;

-- A match made by hand of an unmatched entry: one officer proposes it,
-- another approves it (never the proposer); on approval the ledger event is
-- recorded.
CREATE TABLE bank_match (
	id @id@,
	entry_id @int@ NOT NULL REFERENCES bank_entry(id),
	claim @int@ REFERENCES repay_claim(number),
	payment_id @text@,
	note @text@,
	proposed_by @text@ NOT NULL,
	proposed_on @text@ NOT NULL,      -- YYYY-MM-DD
	state @text@ NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'approved', 'rejected')),
	decided_by @text@,
	decided_on @text@,
	event_id @text@,                  -- approved: the ledger event recorded
	recorded @text@ NOT NULL,         -- when proposed (UTC)
	CHECK ((CASE WHEN claim IS NULL THEN 0 ELSE 1 END) + (CASE WHEN payment_id IS NULL THEN 0 ELSE 1 END) = 1),
	CHECK ((state = 'proposed') = (decided_by IS NULL))
);
CREATE UNIQUE INDEX bank_match_open ON bank_match (entry_id) WHERE state = 'proposed';
CREATE UNIQUE INDEX bank_match_done ON bank_match (entry_id) WHERE state = 'approved';
CREATE TRIGGER bank_match_fixed BEFORE UPDATE OF id, entry_id, claim, payment_id, note, proposed_by, proposed_on,
	recorded ON bank_match
@refuse('a proposed match is never changed: reject it and propose another')@;
CREATE TRIGGER bank_match_no_delete BEFORE DELETE ON bank_match
@refuse('a proposed match is never deleted')@;
