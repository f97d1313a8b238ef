-- 0013-portal.sql: the recipient's filing (src/store/portal.c): who may sign
-- for an organisation, and the requisitions and reports its users draft,
-- sign and submit, with the signed documents.
--
-- A file kept (an authority's document, a signed submission's PDF, a
-- report's attachment) is never changed or deleted: a submission amended
-- after it was returned is signed again as a new document.  A signatory is
-- revoked, never deleted; what it signed keeps naming it.

CREATE TABLE portal_file (
	id @id@,
	name @text@ NOT NULL,             -- the file's name as given
	sha256 @text@ NOT NULL,           -- hex, of data
	data @blob@ NOT NULL,
	added_by @text@ NOT NULL,
	recorded @text@ NOT NULL          -- when (UTC)
);
CREATE TRIGGER portal_file_no_update BEFORE UPDATE ON portal_file
@refuse('a kept file is never changed')@;
CREATE TRIGGER portal_file_no_delete BEFORE DELETE ON portal_file
@refuse('a kept file is never deleted')@;

-- An authorised representative: a bidrag user of the organisation (role
-- mottagare) who may sign for it, from valid_from to valid_to (NULL: until
-- revoked), by the document that shows the authority.
CREATE TABLE signatory (
	id @id@,
	org_id @int@ NOT NULL REFERENCES org(id),
	user_name @text@ NOT NULL,
	kind @text@ NOT NULL CHECK (kind IN ('firmatecknare', 'ombud')),
	valid_from @text@ NOT NULL,       -- YYYY-MM-DD
	valid_to @text@,                  -- YYYY-MM-DD, the last day; NULL: open
	evidence_id @int@ NOT NULL REFERENCES portal_file(id),
	added_by @text@ NOT NULL,
	added_on @text@ NOT NULL,
	revoked_by @text@,
	revoked_on @text@,
	recorded @text@ NOT NULL,
	CHECK (valid_to IS NULL OR valid_to >= valid_from),
	CHECK ((revoked_by IS NULL) = (revoked_on IS NULL))
);
CREATE INDEX signatory_org ON signatory (org_id);
CREATE TRIGGER signatory_fixed BEFORE UPDATE OF id, org_id, user_name, kind, valid_from, valid_to, evidence_id,
	added_by, added_on, recorded ON signatory
@refuse('an authorised representative is never changed: revoke it and add another')@;
CREATE TRIGGER signatory_no_delete BEFORE DELETE ON signatory
@refuse('an authorised representative is never deleted: revoke it')@;

-- A requisition, a financial report or an activity report of a part of a
-- decision, drafted by the organisation's user, signed (submitted), and
-- accepted or returned for completion by the agency.
CREATE TABLE submission (
	id @id@,
	org_id @int@ NOT NULL REFERENCES org(id),
	kind @text@ NOT NULL CHECK (kind IN ('requisition', 'financial-report', 'activity-report')),
	dnr @text@ NOT NULL,
	part @text@ NOT NULL,
	amount @int@,                     -- requisition: öre asked for; financial report: öre used
	unused @int@,                     -- financial report: öre unused (to repay)
	comments @text@,                  -- the organisation's comments; an activity report's text
	attachments @text@ NOT NULL DEFAULT '[]', -- JSON array of {id, name, sha256} of portal_file
	state @text@ NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'accepted')),
	drafted_by @text@ NOT NULL,
	drafted_on @text@ NOT NULL,
	signed_by @text@,
	signatory_id @int@ REFERENCES signatory(id),
	signed_on @text@,
	sign_method @text@,               -- how the signer was identified ('password'; an e-ID service)
	doc_id @int@ REFERENCES portal_file(id), -- the signed PDF
	doc_sha256 @text@,
	late @int@ NOT NULL DEFAULT 0,    -- signed after the part's deadline (a report: accepted, marked late)
	reviewed_by @text@,
	reviewed_on @text@,
	review_note @text@,               -- the handläggare's message when returned
	event_id @text@,                  -- the ledger's event it recorded
	recorded @text@ NOT NULL,
	CHECK (amount IS NULL OR amount >= 0),
	CHECK (unused IS NULL OR unused >= 0),
	CHECK ((state = 'draft') OR (signed_by IS NOT NULL AND doc_id IS NOT NULL))
);
CREATE INDEX submission_org ON submission (org_id);
CREATE INDEX submission_state ON submission (state);
