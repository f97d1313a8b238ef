# lib.sh: helpers for command-line tests (TAP).  Source it, call the checks,
# end with `done_testing`.  $BIDRAG is the binary under test, $SEEDS the seed
# documents, $TESTS the tests folder.  Each test gets a fresh $WORK folder.
#
# Databases: every store engine.  A test that uses a register never names a
# file; it names its databases and asks for them:
#   export BIDRAG_DB=$(fresh_db reg)   a new, empty database 'reg' (SQLite: no
#                                      file yet at $WORK/reg.db; PostgreSQL: a
#                                      new database with no tables): `bidrag
#                                      init` makes it a register
#   db_path NAME                       where database NAME is, made or not
#   db_copy FROM TO                    database TO becomes a copy of FROM
#   sql LOCATION SQL                   runs SQL (statements separated by ';')
#                                      on the database at LOCATION, printing
#                                      rows as sqlite3 does (a|b, no header)
#   db_dump LOCATION                   the whole database as SQL text
#   drop_trigger TRIGGER TABLE         the SQL that drops a locking trigger
#   db_sum LOCATION                    a fingerprint that changes with the
#                                      content (SQLite: the file's bytes and
#                                      its WAL; PostgreSQL: the rows, dumped)
#   $ENGINE                            sqlite or pg: for a check that is by
#                                      nature one engine's (a SQLite file's
#                                      bytes, a PRAGMA); say in a comment what
#                                      the other engine checks instead
# tests/run runs every test that calls fresh_db twice: as cli/NAME with
# SQLite, and as cli/NAME@pg with BIDRAG_TEST_ENGINE=pg and
# BIDRAG_TEST_PG_HOST set to the socket directory of the PostgreSQL server it
# started (tests/pg-server).  A new test needs nothing more than these
# helpers.  A test that is by nature PostgreSQL's is named pg-*.sh (or sets
# `export BIDRAG_TEST_ENGINE=pg` on a line of its own before sourcing
# lib.sh): tests/run runs it once, as cli/NAME@pg.
# To run one test on PostgreSQL by hand:
#   dir=$(tests/pg-server start)
#   BIDRAG_TEST_ENGINE=pg BIDRAG_TEST_PG_HOST=$dir/run ... bash tests/cli/X.sh
#   tests/pg-server stop "$dir"
set -u
n=0
nfail=0
WORK=$(mktemp -d)
ENGINE=${BIDRAG_TEST_ENGINE:-sqlite}
# PostgreSQL databases are named after the test's process, so tests that
# share a server never meet; they go with the server, and are dropped at the
# end of the test when it can (an interrupted test leaves them to the server).
PGPREFIX="bt$$_"
cleanup_work() {
	if [ "$ENGINE" = pg ] && [ -n "${BIDRAG_TEST_PG_HOST:-}" ]; then
		local d
		for d in $(pgc psql -XAtq -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE '${PGPREFIX}%'" 2>/dev/null); do
			pgc dropdb --force "$d" >/dev/null 2>&1
		done
	fi
	rm -rf "$WORK"
}
trap cleanup_work EXIT

# pgc CMD...: a PostgreSQL client tool on the test server, as the tests' role.
pgc() { PGHOST=$BIDRAG_TEST_PG_HOST PGUSER=bidrag_test PGDATABASE=postgres "$@"; }

case $ENGINE in
sqlite) ;;
pg)
	if [ -z "${BIDRAG_TEST_PG_HOST:-}" ] || ! [ -S "$BIDRAG_TEST_PG_HOST/.s.PGSQL.5432" ]; then
		echo "not ok 1 - a PostgreSQL test server: BIDRAG_TEST_PG_HOST='${BIDRAG_TEST_PG_HOST:-}' has no server socket (tests/run starts one; see tests/cli/lib.sh)"
		echo "1..1"
		exit 1
	fi
	;;
*)
	echo "not ok 1 - BIDRAG_TEST_ENGINE='$ENGINE': sqlite or pg"
	echo "1..1"
	exit 1
	;;
esac

db_path() {
	case $ENGINE in
	sqlite) echo "$WORK/$1.db" ;;
	pg) echo "postgresql://bidrag_test@/$PGPREFIX$1?host=$BIDRAG_TEST_PG_HOST" ;;
	esac
}
fresh_db() {
	case $ENGINE in
	sqlite) rm -f "$WORK/$1.db" "$WORK/$1.db-wal" "$WORK/$1.db-shm" ;;
	pg)
		pgc dropdb --if-exists --force "$PGPREFIX$1" >/dev/null 2>&1
		pgc createdb "$PGPREFIX$1" || { echo "fresh_db $1: cannot make the database" >&2; return 1; }
		;;
	esac
	db_path "$1"
}
db_copy() {
	case $ENGINE in
	sqlite)
		rm -f "$WORK/$2.db-wal" "$WORK/$2.db-shm"
		cp "$WORK/$1.db" "$WORK/$2.db"
		if [ -f "$WORK/$1.db-wal" ]; then cp "$WORK/$1.db-wal" "$WORK/$2.db-wal"; fi
		;;
	pg)
		pgc dropdb --if-exists --force "$PGPREFIX$2" >/dev/null 2>&1
		pgc createdb -T "$PGPREFIX$1" "$PGPREFIX$2" || { echo "db_copy $1 $2: cannot copy" >&2; return 1; }
		;;
	esac
}
sql() {
	case $1 in
	postgresql:* | postgres:*)
		printf '%s\n' "$2" | pgc psql -XAtq -F '|' -v ON_ERROR_STOP=1 -d "$1" -f - ;;
	*) sqlite3 "$1" "$2" ;;
	esac
}
# db_dump LOCATION: the whole database as SQL text.
db_dump() {
	case $1 in
	postgresql:* | postgres:*) pgc pg_dump --no-owner --no-privileges -d "$1" ;;
	*) sqlite3 "$1" .dump ;;
	esac
}
# drop_trigger TRIGGER TABLE: the SQL that drops TRIGGER of TABLE, for a test
# that changes what bidrag never changes, around the locking triggers.
drop_trigger() {
	case $ENGINE in
	sqlite) echo "DROP TRIGGER $1" ;;
	pg) echo "DROP TRIGGER $1 ON $2" ;;
	esac
}
db_sum() {
	case $1 in
	postgresql:* | postgres:*)
		# The rows of every table; not the sequences, which a rolled-back
		# insert advances too, nor the dump's comments and its random
		# \restrict key.  A dump that fails gives a sum of its own.
		pg_rows_sum "$1" ;;
	*) cat "$1" "$1-wal" 2>/dev/null | sha256sum | cut -c1-64 ;;
	esac
}

# pg_rows_sum DB [PG_DUMP_OPTION]...: db_sum of a PostgreSQL database.
pg_rows_sum() {
	local db=$1
	shift
	if pgc pg_dump --data-only --no-owner --no-privileges "$@" -d "$db" >"$WORK/.dump" 2>"$WORK/.dump.err"; then
		grep -vE '^(--|SELECT pg_catalog\.setval|\\(un)?restrict )' "$WORK/.dump" | sort | sha256sum | cut -c1-64
	else
		echo "db_sum: pg_dump failed: $(cat "$WORK/.dump.err")" >&2
		echo "pg_dump failed $RANDOM$RANDOM"
	fi
}

# db_sum_but_logins DB: db_sum of the register's content, all but the login
# counters (login_throttle): a change refused from the command line leaves
# the register as it was, but its --as login is counted, as the web counts
# one.  SQLite's content as .dump prints it (the file's bytes change with
# any write).
db_sum_but_logins() {
	case $1 in
	postgresql:* | postgres:*)
		pg_rows_sum "$1" --exclude-table-data=login_throttle ;;
	*) sqlite3 "$1" .dump | grep -v '^INSERT INTO login_throttle' | sha256sum | cut -c1-64 ;;
	esac
}

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# run CMD...: run bidrag, keeping stdout in $OUT, stderr in $ERR, status in $RC.
run() {
	"$BIDRAG" "$@" >"$WORK/out" 2>"$WORK/err"
	RC=$?
	OUT=$(cat "$WORK/out")
	ERR=$(cat "$WORK/err")
}

# expect_rc NAME RC: the last run exited with RC.
expect_rc() {
	if [ "$RC" -eq "$2" ]; then pass "$1"; else fail "$1" "exit status $RC, expected $2" "stderr: $ERR"; fi
}
# expect_out NAME PATTERN: stdout matches the extended regular expression.
expect_out() {
	if printf '%s\n' "$OUT" | grep -qE -- "$2"; then pass "$1"; else fail "$1" "stdout lacks /$2/" "$(printf '%s' "$OUT" | head -20)"; fi
}
# expect_err NAME PATTERN: stderr matches.
expect_err() {
	if printf '%s\n' "$ERR" | grep -qE -- "$2"; then pass "$1"; else fail "$1" "stderr lacks /$2/" "stderr: $ERR"; fi
}
# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got:  $2" "want: $3"; fi
}
# expect_error NAME PATTERN CMD...: bidrag fails with status 2, the message
# matches, and nothing is printed on stdout.
expect_error() {
	local name=$1 pat=$2; shift 2
	run "$@"
	if [ "$RC" -eq 2 ] && printf '%s\n' "$ERR" | grep -qE -- "$pat" && [ -z "$OUT" ]; then
		pass "$name"
	else
		fail "$name" "exit $RC (want 2)" "stderr: $ERR" "want /$pat/" "stdout: $(printf '%s' "$OUT" | head -3)"
	fi
}
# expect_unavailable NAME PATTERN CMD...: bidrag fails with status 4 (the
# database server cannot be reached, refuses the login or has no such
# database), the message matches, and nothing is printed on stdout.
expect_unavailable() {
	local name=$1 pat=$2; shift 2
	run "$@"
	if [ "$RC" -eq 4 ] && printf '%s\n' "$ERR" | grep -qE -- "$pat" && [ -z "$OUT" ]; then
		pass "$name"
	else
		fail "$name" "exit $RC (want 4)" "stderr: $ERR" "want /$pat/"
	fi
}
# test_users [NAME:ROLE[:ORG]]...: the register's people, for a test that
# records changes (every change from the command line is a registered
# user's, authenticated by its password: docs/ledger.md).  After 'bidrag
# init' on $BIDRAG_DB: root (admin; the first user, added while the register
# has none), then anna (handlaggare), bertil (attestant), rut (revisor) and
# those given, each added --by root; exports BIDRAG_PASSWORD, one password
# for all ($TEST_PASSWORD).  Name them with --by NAME (or --as NAME).
TEST_PASSWORD=${TEST_PASSWORD:-test-password-1234}
test_users() {
	export BIDRAG_PASSWORD=$TEST_PASSWORD
	local spec name role org
	printf '%s\n' "$TEST_PASSWORD" | "$BIDRAG" user add root --role admin >/dev/null || return 1
	for spec in anna:handlaggare bertil:attestant rut:revisor "$@"; do
		IFS=: read -r name role org <<<"$spec"
		printf '%s\n' "$TEST_PASSWORD" | "$BIDRAG" user add "$name" --role "$role" ${org:+--org "$org"} --by root \
			>/dev/null || return 1
	done
}

done_testing() { echo "1..$n"; [ "$nfail" -eq 0 ]; }
