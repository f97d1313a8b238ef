-- 0005-decision-warning.sql: warnings kept with a registered decision.
--
-- A decision may state something that looks wrong but is what was decided,
-- such as a last payment day before the decision's own date ("senast den 20
-- januari 2021" in a decision of 28 January 2021).  It is registered as
-- written and the warning is kept here, beside the decision and not inside
-- its canonical document: the document stays what the decision says (its
-- export imports as the same decision, its digest is unchanged), while every
-- view of the deadline shows the warning.  Locked like the decision.

CREATE TABLE decision_warning (
	id @id@,
	decision_id @int@ NOT NULL REFERENCES decision(id),
	part @text@,              -- the part's id; NULL for the decision as a whole
	field @text@ NOT NULL,    -- the field path within the part: 'payment.by'
	date @text@,              -- the date the warning is about
	message @text@ NOT NULL   -- Swedish, as shown beside the deadline
);
CREATE INDEX decision_warning_decision ON decision_warning(decision_id);

CREATE TRIGGER decision_warning_no_update BEFORE UPDATE ON decision_warning
@refuse('a registered decision is locked')@;
CREATE TRIGGER decision_warning_no_delete BEFORE DELETE ON decision_warning
@refuse('a registered decision is locked')@;
