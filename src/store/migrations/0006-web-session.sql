-- 0006-web-session.sql: the web application's sessions and login throttling.
--
-- Kept in the database, not in a server's memory, so that every `bidrag
-- serve` over one database knows every session (a login on one server is
-- valid on the others, behind a load balancer) and counts failed logins
-- together.  A session is stored by the SHA-256 of its token, never the
-- token: someone who reads the database cannot log in with what they read.
-- Times are seconds since the epoch.  These rows change with every login
-- and are not part of the register: the audit log records logins, not these;
-- the PostgreSQL engine gives them no change-counter trigger (store-pg.c), so
-- a login does not empty every server's GET cache.

CREATE TABLE web_session (
	token_sha256 @text@ PRIMARY KEY,  -- hex of SHA-256 of the cookie's token
	name @text@ NOT NULL,             -- the user, as at login
	role @text@ NOT NULL,
	org @text@,                       -- a mottagare's organisation code
	csrf @text@ NOT NULL,             -- the session's CSRF token
	created @int@ NOT NULL,
	seen @int@ NOT NULL           -- the last request, to a minute
);

CREATE TABLE login_throttle (
	key @text@ PRIMARY KEY,           -- 'user:NAME' or 'addr:IP'
	failures @int@ NOT NULL,
	first @int@ NOT NULL,         -- the first failure counted
	until @int@ NOT NULL          -- no attempt before this (0: any time)
);
