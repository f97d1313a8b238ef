-- 0014-user-os-account.sql: the operating-system account a user works under
-- on the command line.
--
-- A change made from the command line is recorded as a bidrag user: the one
-- named by --as (authenticated by its password), or else the user whose
-- os_account is the account the command runs as (getpwuid(geteuid())), set
-- by 'bidrag user add NAME --os-account ACCOUNT' or 'bidrag user map NAME
-- ACCOUNT'.  An account maps to one user at most; a user has one account or
-- none (NULL: only --as, or the web).

ALTER TABLE app_user ADD COLUMN os_account @text@ CHECK (os_account IS NULL OR length(os_account) BETWEEN 1 AND 256);

CREATE UNIQUE INDEX app_user_os_account ON app_user (os_account);
