-- engine.sql: the PostgreSQL engine's own bookkeeping (src/store/migrations/README.md),
-- run before the numbered migrations in the transaction that applies them.

CREATE TABLE IF NOT EXISTS bd_schema (
	only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
	version integer NOT NULL
);

-- The locking triggers of the migrations: a row trigger that refuses with
-- the message given, as SQLite's RAISE(ABORT, message) does.
CREATE OR REPLACE FUNCTION bd_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '%', TG_ARGV[0];
END $$;

-- The change counter behind store_generation (the web GET cache): bumped
-- once by every transaction that writes, and committed with it, so that
-- any process reading it sees a new value exactly when a change is visible.
CREATE TABLE IF NOT EXISTS bd_generation (
	only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
	n bigint NOT NULL
);
INSERT INTO bd_generation (n) VALUES (1) ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION bd_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('bidrag.changed_in', true) IS DISTINCT FROM txid_current()::text THEN
		UPDATE bd_generation SET n = n + 1;
		PERFORM set_config('bidrag.changed_in', txid_current()::text, true);
	END IF;
	RETURN NULL;
END $$;
