-- 0015-ledger-checkpoint.sql: balance checkpoints by date, so that a status
-- as of a date (status --as-of, the web's ?as_of=) reads a row per account
-- rather than replaying the whole journal.
--
-- An account's events are recorded in date order (ledger_apply), so its
-- state as of a day is its balance after its last event dated up to that
-- day.  ledger_balance keeps that state for the account's latest day
-- (last_date); ledger_checkpoint keeps it for each earlier day on which the
-- account had an event: the row of a day is written when the account's
-- first event of a later day is recorded, in the same transaction.  The
-- values are ledger_balance's (öre), except that a payment exported by the
-- day and booked by the bank after it is in process (attested) on the day,
-- not paid (docs/bank.md): recording the booking moves the rows of the days
-- between the export and the booking.
--
-- ledger_checkpoint_state.complete is 1 when the rows hold every event: a
-- register that had events before this migration starts at 0, and the store
-- builds the rows from the journal in the first transaction that records an
-- event; until then a status as of a date replays the journal.
CREATE TABLE ledger_checkpoint (
	part_id @int@ NOT NULL REFERENCES part(id),
	org_id @int@ NOT NULL REFERENCES org(id),
	date @text@ NOT NULL CHECK (length(date) = 10),
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
	PRIMARY KEY (part_id, org_id, date),
	CHECK (avail >= 0 AND requisitioned >= 0 AND registered >= 0 AND attested >= 0 AND paid >= 0
	       AND lapsed >= 0 AND claimed >= 0 AND repaid >= 0),
	CHECK (avail + requisitioned + registered + attested + paid + lapsed + claimed + repaid = allocated)
) @without-rowid@;

CREATE TABLE ledger_checkpoint_state (
	complete @int@ NOT NULL CHECK (complete IN (0, 1))
);
INSERT INTO ledger_checkpoint_state (complete)
	SELECT CASE WHEN EXISTS (SELECT 1 FROM ledger_event) THEN 0 ELSE 1 END;
