-- docs/deploy-roles.sql: the roles a bidrag register on PostgreSQL needs,
-- neither a superuser (docs/deploy.md, "Roles and grants").
--
--   bidrag_owner  owns the database's schema 'bidrag' and every table in
--                 it: runs `bidrag init` (creates and upgrades the schema)
--                 and `bidrag db copy` into the database (which switches
--                 the locking triggers off for the copy: an owner's right).
--   bidrag_app    what `bidrag serve` and the officers' commands log in as:
--                 reads every table, inserts and updates rows, nothing
--                 more.  No DELETE, no TRUNCATE, no DDL: the register keeps
--                 every event and audit entry, and a program that could
--                 drop them would not.  It cannot migrate either: after
--                 installing a newer bidrag, run `bidrag init` as the owner
--                 once; until then the application role's commands stop
--                 with "permission denied" instead of half-upgrading.
--
-- Run as a superuser (or a role with CREATEROLE and CREATEDB), once, with
-- the passwords given as psql variables:
--
--   psql -X -v ON_ERROR_STOP=1 -v owner_password="'...'" \
--        -v app_password="'...'" -d postgres -f docs/deploy-roles.sql
--
-- It may be run again: it creates only what is missing, and sets the
-- grants afresh (also on the tables a newer bidrag's migrations added, so
-- run it again after `bidrag init` upgrades the schema if you want the
-- append-only tables' UPDATE right revoked on the new tables too).
--
-- Then, as the owner:  BIDRAG_DB='postgresql://bidrag_owner@HOST/bidrag' bidrag init
-- and the application: BIDRAG_DB='postgresql://bidrag_app@HOST/bidrag' bidrag serve ...
-- (passwords in ~/.pgpass or PGPASSFILE, not in the URI).

\if :{?owner_password}
\else
\set owner_password NULL
\endif
\if :{?app_password}
\else
\set app_password NULL
\endif

SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bidrag_owner') AS make_owner \gset
\if :make_owner
CREATE ROLE bidrag_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bidrag_app') AS make_app \gset
\if :make_app
-- A connection per `bidrag serve` thread (--threads, default 4) plus one
-- per command running: 40 covers several servers and a few officers'
-- commands; raise it with ALTER ROLE when you run more (docs/deploy.md).
CREATE ROLE bidrag_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE CONNECTION LIMIT 40;
\endif
ALTER ROLE bidrag_owner PASSWORD :owner_password;
ALTER ROLE bidrag_app PASSWORD :app_password;

SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'bidrag') AS make_db \gset
\if :make_db
CREATE DATABASE bidrag OWNER bidrag_owner ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\endif

\connect bidrag

-- Nobody but the owner creates anything here; the register lives in its own
-- schema, found through each role's search_path.
REVOKE ALL ON DATABASE bidrag FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE bidrag TO bidrag_owner;
GRANT CONNECT ON DATABASE bidrag TO bidrag_app;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS bidrag AUTHORIZATION bidrag_owner;
ALTER ROLE bidrag_owner IN DATABASE bidrag SET search_path = bidrag;
ALTER ROLE bidrag_app IN DATABASE bidrag SET search_path = bidrag;
GRANT USAGE ON SCHEMA bidrag TO bidrag_app;

-- What the application does to rows: reads them, adds them (events, audit
-- entries, decisions, users, ...) and updates a few (balances, the change
-- counter, organisations, appropriations' amounts, passwords).  The
-- identity columns' sequences need USAGE for an insert.  The functions (the
-- change counter's and the locking triggers') are EXECUTE for PUBLIC by
-- default, as PostgreSQL makes every function.
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA bidrag TO bidrag_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA bidrag TO bidrag_app;
-- The same for the tables and sequences `bidrag init` makes later, as the
-- owner.
ALTER DEFAULT PRIVILEGES FOR ROLE bidrag_owner IN SCHEMA bidrag
	GRANT SELECT, INSERT, UPDATE ON TABLES TO bidrag_app;
ALTER DEFAULT PRIVILEGES FOR ROLE bidrag_owner IN SCHEMA bidrag
	GRANT USAGE, SELECT ON SEQUENCES TO bidrag_app;

-- Append-only tables: their locking triggers already refuse an UPDATE;
-- without the right the application cannot even try.  (Only where they
-- exist: before the first `bidrag init` there are none.)
DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['ledger_event', 'audit_log', 'decision', 'part', 'allocation',
				 'decision_warning', 'dataset', 'dataset_value', 'dataset_origin', 'payee_account',
				 'pay_batch_account', 'bank_file', 'bank_entry', 'repay_claim'] LOOP
		IF to_regclass('bidrag.' || t) IS NOT NULL THEN
			EXECUTE format('REVOKE UPDATE ON bidrag.%I FROM bidrag_app', t);
		END IF;
	END LOOP;
END $$;
-- The web sessions and failed-login counts (0006-web-session.sql) are no
-- part of the register: the one DELETE the application has, so that `bidrag
-- serve` clears expired rows as it goes (without it they stay, refused
-- when read, until the owner deletes them).
DO $$
BEGIN
	IF to_regclass('bidrag.web_session') IS NOT NULL THEN
		GRANT DELETE ON bidrag.web_session, bidrag.login_throttle TO bidrag_app;
	END IF;
END $$;
-- The schema version is the owner's: the application only reads it.
DO $$
BEGIN
	IF to_regclass('bidrag.bd_schema') IS NOT NULL THEN
		REVOKE INSERT, UPDATE ON bidrag.bd_schema FROM bidrag_app;
	END IF;
END $$;
