-- 0004-audit.sql: users with roles, and the audit log.
--
-- The audit log is append-only (triggers) and hash-chained: each entry
-- carries the SHA-256 of the one before (src/core/audit.c), so a change made
-- around the triggers, in the file itself, is found by 'bidrag audit verify'.

CREATE TABLE app_user (
	id @id@,
	name @text@ NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
	role @text@ NOT NULL CHECK (role = 'handlaggare' OR role = 'attestant' OR role = 'revisor' OR
	                          role = 'mottagare' OR role = 'admin'),
	org_id @int@ REFERENCES org(id),          -- a mottagare's organisation
	password_hash @text@ NOT NULL,                -- Argon2id, libsodium's crypto_pwhash_str
	created_at @text@ NOT NULL,
	changed_at @text@ NOT NULL,
	CHECK ((role = 'mottagare') = (org_id IS NOT NULL))
);

CREATE TABLE audit_log (
	seq @id@,
	at @text@ NOT NULL,
	actor @text@ NOT NULL,
	action @text@ NOT NULL,
	object @text@ NOT NULL,
	before @text@,        -- JSON
	after @text@,         -- JSON
	prev_sha256 @text@ NOT NULL CHECK (length(prev_sha256) = 64),
	sha256 @text@ NOT NULL CHECK (length(sha256) = 64)
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
@refuse('the audit log is never changed')@;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
@refuse('the audit log is never changed')@;
