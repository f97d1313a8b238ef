-- 0011-org-name-index.sql: an index on an organisation's name as a payee is
-- looked up by it.
--
-- A payee of a file of payees ('bidrag payee import', POST /api/payees/import)
-- or of a decision is found by its name, in any case, and its
-- organisationsnummer (register.c's register_payee_org; payee.c): without
-- an index every row of the file read every organisation, and an import of
-- thousands of payees grew with the square of their number.  Both engines
-- compare lower(name) (ASCII letters folded: SQLite's lower() and a
-- PostgreSQL text column of COLLATE "C"), so this one index serves both.
-- The organisationsnummer has had its index since 0001 (org_orgnr).

CREATE INDEX org_name_lower ON org (lower(name));
