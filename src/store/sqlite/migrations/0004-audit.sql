-- 0004-audit.sql: users with roles, and the audit log.
--
-- The audit log is append-only (triggers) and hash-chained: each entry
-- carries the SHA-256 of the one before (src/core/audit.c), so a change made
-- around the triggers, in the file itself, is found by 'bidrag audit verify'.

CREATE TABLE app_user (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
	role TEXT NOT NULL CHECK (role = 'handlaggare' OR role = 'attestant' OR role = 'revisor' OR
	                          role = 'mottagare' OR role = 'admin'),
	org_id INTEGER REFERENCES org(id),          -- a mottagare's organisation
	password_hash TEXT NOT NULL,                -- Argon2id, libsodium's crypto_pwhash_str
	created_at TEXT NOT NULL,
	changed_at TEXT NOT NULL,
	CHECK ((role = 'mottagare') = (org_id IS NOT NULL))
);

CREATE TABLE audit_log (
	seq INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	before TEXT,        -- JSON
	after TEXT,         -- JSON
	prev_sha256 TEXT NOT NULL CHECK (length(prev_sha256) = 64),
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64)
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is never changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is never changed'); END;
