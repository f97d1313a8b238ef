#!/usr/bin/env bash
# Crash test: `bidrag events import` killed with SIGKILL at random points
# while it ingests batches.  After every kill the register must open, every
# batch must be either wholly present or wholly absent, every batch whose
# import was acknowledged (exit 0) must be present exactly once, and the books
# must balance (`ledger verify`), the audit log's chain must hold (`audit
# verify`) and, on SQLite, PRAGMA integrity_check must say ok.  Interrupted
# batches are imported again until they land, each exactly once.
# Replayable: BIDRAG_CRASH_SEED (default 20261124) seeds the kill times.
# BIDRAG_CRASH_KILLS (default 100) and BIDRAG_CRASH_PER (events a batch,
# default 3000) size it; bench/killpoints runs it to 1 000 kills and more.
. "$(dirname "$0")/lib.sh"
export BIDRAG_DB=$(fresh_db crash)
RANDOM=${BIDRAG_CRASH_SEED:-20261124}
KILLS=${BIDRAG_CRASH_KILLS:-100} # kills that must land mid-ingestion
PER=${BIDRAG_CRASH_PER:-3000} # events per batch
PW="crash-test-password"

"$BIDRAG" init >/dev/null
export BIDRAG_PASSWORD="$PW"
printf '%s\n' "$PW" | "$BIDRAG" user add root --role admin >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add anna --role handlaggare --by root >/dev/null
# The imports run as a batch job does: the OS account mapped to anna, no
# password (a kill during a password check would count as a failed login,
# and enough of them would lock anna out).
"$BIDRAG" user map anna --os-account "$(id -un)" --by root >/dev/null
"$BIDRAG" decision import "$BIDRAG_SRC/examples/decisions/S2020-09797.json" >/dev/null
regions="01 03 04 05 06 07 08 09 10 12 13 14 17 18 19 20 21 22 23 24 25"
make_batch() { # N: a batch of PER payments of 1 kr, ids b<N>-<i>
	local b=$1
	{
		echo "id,kind,dnr,part,recipient,date,by,amount"
		local i=0
		while [ $i -lt $PER ]; do
			for r in $regions; do
				[ $i -lt $PER ] || break
				echo "b$b-$i,payment,S2020/09797,regioner,$r,2021-02-20,anna,1"
				i=$((i + 1))
			done
		done
	} >"$WORK/batch$b.csv"
}

count() { sql "$BIDRAG_DB" "SELECT count(*) FROM ledger_event WHERE id LIKE 'b$1-%'"; }

acked=() pending=() killed=0 whole=true exact=true balanced=true opened=true chain=true intact=true landed=0
# How long one import takes here: the kills are spread over that time.
make_batch 0
t0=$(date +%s%N)
"$BIDRAG" events import "$WORK/batch0.csv" --quiet >/dev/null
span=$((($(date +%s%N) - t0) / 1000)) # microseconds
acked+=(0)
echo "# one batch of $PER events takes ${span} us; kills are spread over that"
b=0
tries=0
while [ "$killed" -lt "$KILLS" ] && [ "$tries" -lt $((KILLS * 4)) ]; do
	tries=$((tries + 1))
	k=$tries
	# The batch to send: a pending (interrupted) one, else a new one.
	if [ ${#pending[@]} -gt 0 ] && [ $((RANDOM % 2)) -eq 0 ]; then
		cur=${pending[0]}
		pending=("${pending[@]:1}")
	else
		b=$((b + 1))
		make_batch $b
		cur=$b
	fi
	"$BIDRAG" events import "$WORK/batch$cur.csv" --quiet >"$WORK/out" 2>&1 &
	pid=$!
	# A random point of the run.
	us=$(( (RANDOM * 32768 + RANDOM) % span ))
	sleep "$(printf '0.%06d' "$us")"
	kill -9 $pid 2>/dev/null
	{ wait $pid; } 2>/dev/null
	rc=$?
	[ $rc -eq 137 ] && killed=$((killed + 1))
	if [ $rc -eq 0 ]; then
		acked+=("$cur")
	else
		pending+=("$cur")
	fi
	# After the crash: the database opens, batches are whole or absent.
	if ! "$BIDRAG" ledger verify >"$WORK/verify" 2>&1; then
		balanced=false
		opened=false
		cat "$WORK/verify" | head -5 | sed 's/^/# /'
	fi
	if ! "$BIDRAG" audit verify >"$WORK/averify" 2>&1; then
		chain=false
		sed 's/^/# /' "$WORK/averify" | head -5
	fi
	# SQLite's own check of the file (PostgreSQL: the server's WAL replay,
	# checked by ledger verify reading every row).
	if [ "$ENGINE" = sqlite ] && [ "$(sql "$BIDRAG_DB" 'PRAGMA quick_check')" != ok ]; then
		intact=false
		echo "# PRAGMA quick_check after kill $k: $(sql "$BIDRAG_DB" 'PRAGMA quick_check' | head -3)"
	fi
	cnt=$(count "$cur")
	if [ "$cnt" != 0 ] && [ "$cnt" != "$PER" ]; then
		whole=false
		echo "# batch $cur has $cnt of $PER events after kill $k"
	fi
done
# Land every interrupted batch; a retry records what is missing exactly once.
for cur in "${pending[@]}"; do
	if "$BIDRAG" events import "$WORK/batch$cur.csv" --quiet >/dev/null 2>&1; then
		landed=$((landed + 1))
		acked+=("$cur")
	fi
done
for cur in "${acked[@]}"; do
	cnt=$(count "$cur")
	if [ "$cnt" != "$PER" ]; then
		exact=false
		echo "# acknowledged batch $cur has $cnt events, expected $PER"
	fi
done
expect_eq "the register opens and the books balance after every kill" "$opened $balanced" "true true"
expect_eq "the audit log's chain holds after every kill (audit verify)" "$chain" "true"
expect_eq "the database file is intact after every kill (PRAGMA quick_check)" "$intact" "true"
expect_eq "no partial batch after any kill" "$whole" "true"
expect_eq "every acknowledged batch is present exactly once" "$exact" "true"
total=$(sql "$BIDRAG_DB" "SELECT count(*) FROM ledger_event")
expect_eq "events recorded = batches acknowledged x $PER" "$total" "$(( ${#acked[@]} * PER ))"
expect_eq "the ids are unique" "$(sql "$BIDRAG_DB" 'SELECT count(DISTINCT id) FROM ledger_event')" "$total"
if [ "$killed" -ge "$KILLS" ]; then pass "at least $KILLS kills landed during ingestion ($killed of $tries tries; $landed interrupted batches landed on retry)"; else fail "at least $KILLS kills landed during ingestion ($killed of $tries tries)"; fi
run status S2020/09797 --part regioner --format json
expect_eq "status: the registered payments are under way" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys,decimal; print(sum(int(decimal.Decimal(r["in_process"])*100) for r in json.load(sys.stdin)))')" \
	"$((total * 100))"
run ledger verify
expect_rc "ledger verify at the end" 0
run audit verify
expect_rc "audit verify at the end" 0
if [ "$ENGINE" = sqlite ]; then
	expect_eq "PRAGMA integrity_check at the end" "$(sql "$BIDRAG_DB" 'PRAGMA integrity_check')" "ok"
fi
echo "# killpoints: engine=$ENGINE kills=$killed tries=$tries acked=${#acked[@]} landed=$landed"
done_testing
