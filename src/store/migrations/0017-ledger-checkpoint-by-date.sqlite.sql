-- 0017-ledger-checkpoint-by-date.sqlite.sql: ledger_checkpoint made again,
-- keyed (date, part_id, org_id), without REFERENCES; its rows copied in
-- that order.
ALTER TABLE ledger_checkpoint RENAME TO ledger_checkpoint_0017;
CREATE TABLE ledger_checkpoint (
	part_id @int@ NOT NULL,
	org_id @int@ NOT NULL,
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
	PRIMARY KEY (date, part_id, org_id),
	CHECK (avail >= 0 AND requisitioned >= 0 AND registered >= 0 AND attested >= 0 AND paid >= 0
	       AND lapsed >= 0 AND claimed >= 0 AND repaid >= 0),
	CHECK (avail + requisitioned + registered + attested + paid + lapsed + claimed + repaid = allocated)
) @without-rowid@;
INSERT INTO ledger_checkpoint (part_id, org_id, date, allocated, avail, requisitioned, registered, attested, paid,
                               lapsed, claimed, repaid, reports)
	SELECT part_id, org_id, date, allocated, avail, requisitioned, registered, attested, paid, lapsed, claimed,
	       repaid, reports
	FROM ledger_checkpoint_0017 ORDER BY date, part_id, org_id;
DROP TABLE ledger_checkpoint_0017;
