#!/usr/bin/env bash
# What a failover means for a client that retries (docs/deploy.md): the
# PostgreSQL server dies (pg_ctl stop -m immediate: no shutdown, as a crash
# or a pulled cable) while `bidrag events import` of a stream of batches
# runs; the batch in flight fails with a one-line error, nothing of it is
# recorded; after the restart the client sends every batch again, the same
# files, and each event is in the books exactly once, because a batch's
# events carry their ids and a recorded id is recognised, not recorded
# twice.  `ledger verify` and `audit verify` are clean.
#
# PostgreSQL only, on a server of its own (tests/pg-server start), not the
# suite's shared one, which it must not kill.  It needs a PostgreSQL
# installation: without BIDRAG_TEST_PG_HOST (tests/run sets it when it
# starts the suite's server) it fails, it does not skip.
. "$(dirname "$0")/lib.sh"

if [ -z "${BIDRAG_TEST_PG_HOST:-}" ]; then
	fail "a PostgreSQL installation: BIDRAG_TEST_PG_HOST is not set (tests/run sets it; see tests/cli/lib.sh)"
	done_testing
	exit 1
fi

dir=$("$TESTS/pg-server" start) || { fail "tests/pg-server start: a server of the test's own"; done_testing; exit 1; }
stop_server() { "$TESTS/pg-server" stop "$dir" >/dev/null 2>&1; cleanup_work; }
trap stop_server EXIT

# pg_ctl as the server's owner (postgres when the tests run as root).
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/pg_ctl" ] || bin=$(dirname "$(command -v pg_ctl)")
owner=$(stat -c %U "$dir/data")
as_owner() { if [ "$(id -un)" = "$owner" ]; then "$@"; else runuser -u "$owner" -- "$@"; fi; }
own() { PGHOST="$dir/run" PGUSER=bidrag_test PGDATABASE=retry "$@"; }

PGHOST="$dir/run" PGUSER=bidrag_test createdb retry || fail "createdb retry"
export BIDRAG_DB="postgresql://bidrag_test@/retry?host=$dir/run"
"$BIDRAG" init >/dev/null && test_users &&
	"$BIDRAG" decision import "$BIDRAG_SRC/examples/decisions/S2020-09797.json" --by anna >/dev/null ||
	fail "a register on the test's server"

# Enough batches that the poll below finds one inside its transaction on a
# busy machine too (a batch of 2 000 events is recorded in about 0.2 s).
NB=30 PER=2000 # batches, and payments of 1 kr in each
regions="01 03 04 05 06 07 08 09 10 12 13 14 17 18 19 20 21 22 23 24 25"
for b in $(seq 1 $NB); do
	{
		echo "id,kind,dnr,part,recipient,date,by,amount"
		i=0
		while [ $i -lt $PER ]; do
			for r in $regions; do
				[ $i -lt $PER ] || break
				echo "b$b-$i,payment,S2020/09797,regioner,$r,2021-02-20,anna,1"
				i=$((i + 1))
			done
		done
	} >"$WORK/batch$b.csv"
done

# The client: every batch in turn, noting how each ended.
(
	for b in $(seq 1 $NB); do
		"$BIDRAG" events import "$WORK/batch$b.csv" --quiet --by anna >/dev/null 2>"$WORK/err$b"
		echo "$b $?" >>"$WORK/first"
	done
) &
client=$!

# The crash: once a batch is in the books, the next is held inside its
# transaction and the server dies.  Held by a session of the test's own
# that locks ledger_event against writes (the batch waits at its first
# INSERT, its transaction open), so that the kill cannot fall between two
# batches, which a poll of pg_stat_activity alone could not rule out on a
# busy machine (it saw a batch at its commit, and the kill came after).
for _ in $(seq 1 600); do
	done_events=$(own psql -XAtq -c "SELECT count(*) FROM ledger_event" 2>/dev/null)
	[ "${done_events:-0}" -gt 0 ] && break
	sleep 0.05
done
PGAPPNAME=pg-retry-lock own psql -XAtq -c "BEGIN; LOCK TABLE ledger_event IN EXCLUSIVE MODE; SELECT pg_sleep(300)" \
	>/dev/null 2>&1 &
locker=$!
killed=0
for _ in $(seq 1 1200); do
	held=$(own psql -XAtq -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'retry' AND wait_event_type = 'Lock' AND xact_start IS NOT NULL AND application_name <> 'pg-retry-lock' AND backend_type = 'client backend'" 2>/dev/null)
	if [ "${held:-0}" -gt 0 ]; then
		as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 && killed=1
		break
	fi
	sleep 0.05
done
[ "$killed" = 1 ] || as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
wait $locker
wait $client
expect_eq "the server was killed while a batch was inside its transaction" "$killed" 1

failed=$(awk '$2 != 0' "$WORK/first" | wc -l)
ok_before=$(awk '$2 == 0' "$WORK/first" | wc -l)
if [ "$failed" -gt 0 ] && [ "$ok_before" -gt 0 ]; then
	pass "before the restart: $ok_before batch(es) recorded, $failed failed"
else
	fail "before the restart: some batches recorded and some failed" "$(cat "$WORK/first")"
fi
# The batch in flight: a one-line error that says the server went away and
# nothing was recorded.
first_failed=$(awk '$2 != 0 { print $1; exit }' "$WORK/first")
rc=$(awk -v b="$first_failed" '$1 == b { print $2 }' "$WORK/first")
ERR=$(cat "$WORK/err$first_failed" 2>/dev/null)
if [ "$rc" != 0 ] && [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] &&
	printf '%s\n' "$ERR" | grep -q 'server went away' && printf '%s\n' "$ERR" | grep -q 'nothing was recorded'; then
	pass "the batch in flight fails with one line: the server went away, nothing was recorded"
else
	fail "the batch in flight fails with one line: the server went away, nothing was recorded" \
		"batch $first_failed, exit $rc" "stderr: $ERR"
fi
# The batches after it: the server is unreachable, said in one line.
last=$(tail -1 "$WORK/first")
ERR=$(cat "$WORK/err${last% *}")
if [ "${last#* }" != 0 ] && [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] && printf '%s\n' "$ERR" | grep -q 'unreachable'; then
	pass "a batch sent while the server is down: one line, the server is unreachable"
else
	fail "a batch sent while the server is down: one line, the server is unreachable" "batch $last" "stderr: $ERR"
fi

as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start >/dev/null 2>&1 || fail "restarting the server"

# The retry: every batch again, as a client that does not know which got in.
retry_bad=0
for b in $(seq 1 $NB); do
	"$BIDRAG" events import "$WORK/batch$b.csv" --by anna >"$WORK/retry$b" 2>&1 || retry_bad=$((retry_bad + 1))
done
expect_eq "every batch sent again is accepted" "$retry_bad" 0
already=$(grep -c "0 events recorded, $PER already recorded" "$WORK"/retry* | awk -F: '{ s += $2 } END { print s }')
expect_eq "the batches recorded before the crash are recognised, none recorded twice" "$already" "$ok_before"

per_batch=$(own psql -XAtq -c "SELECT count(*) FROM (SELECT split_part(id, '-', 1) b, count(*) n, count(DISTINCT id) d FROM ledger_event GROUP BY 1) x WHERE n = $PER AND d = $PER")
expect_eq "each of the $NB batches is in the books exactly once" "$per_batch" "$NB"
total=$(own psql -XAtq -c "SELECT count(*) FROM ledger_event")
expect_eq "no more events than were sent" "$total" "$((NB * PER))"
run ledger verify
expect_rc "ledger verify after the retries: clean" 0
run audit verify
expect_rc "audit verify after the retries: clean" 0
done_testing
