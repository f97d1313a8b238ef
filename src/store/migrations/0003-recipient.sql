-- 0003-recipient.sql: the recipient's own register of grants received
-- (docs/recipient-register.md).  Each import of an organisation's year is a
-- new version; versions are never changed or deleted, so the history of
-- the register is kept.  The document is the canonical register file of
-- that year; recipient_grant lists its grants for queries and links.

CREATE TABLE recipient_register (
	id @id@,
	org_id @int@ NOT NULL REFERENCES org(id),
	year @int@ NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	version @int@ NOT NULL CHECK (version >= 1),
	document @text@ NOT NULL,
	document_sha256 @text@ NOT NULL CHECK (length(document_sha256) = 64),
	source @text@ NOT NULL,
	recorded_by @text@ NOT NULL,
	recorded_at @text@ NOT NULL,
	UNIQUE (org_id, year, version)
);

CREATE TABLE recipient_grant (
	register_id @int@ NOT NULL REFERENCES recipient_register(id),
	ord @int@ NOT NULL,
	key @text@ NOT NULL,
	title @text@ NOT NULL,
	dnr @text@,
	decision_dnr @text@,
	amount @int@ NOT NULL CHECK (amount >= 0),  -- kronor, as computed
	PRIMARY KEY (register_id, ord),
	UNIQUE (register_id, key)
);
CREATE INDEX recipient_grant_decision ON recipient_grant(decision_dnr);

CREATE TRIGGER recipient_register_no_update BEFORE UPDATE ON recipient_register
@refuse('a version of a recipient register is never changed: import a new version')@;
CREATE TRIGGER recipient_register_no_delete BEFORE DELETE ON recipient_register
@refuse('a version of a recipient register is never deleted')@;
CREATE TRIGGER recipient_grant_no_update BEFORE UPDATE ON recipient_grant
@refuse('a version of a recipient register is never changed: import a new version')@;
CREATE TRIGGER recipient_grant_no_delete BEFORE DELETE ON recipient_grant
@refuse('a version of a recipient register is never deleted')@;
