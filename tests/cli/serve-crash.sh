#!/usr/bin/env bash
# Crash test of the web server: `bidrag serve` killed with SIGKILL at random
# points while a client POSTs batches of ledger events to /api/events.
# After every kill the register must open and balance (`ledger verify`), the
# audit log's chain must hold (`audit verify`), every batch must be wholly
# present or wholly absent, and every batch the server acknowledged (201)
# must be there.  The server is started again and the interrupted batches
# are sent again until they land, each exactly once.  On SQLite PRAGMA
# quick_check must say ok after every kill.
# Replayable: BIDRAG_CRASH_SEED (default 20261124) seeds the kill times.
# BIDRAG_SERVE_CRASH_KILLS (default 20) and BIDRAG_CRASH_PER (events a batch,
# default 2000) size it; bench/killpoints runs it to 1 000 kills.
. "$(dirname "$0")/lib.sh"
export BIDRAG_DB=$(fresh_db crash)
RANDOM=${BIDRAG_CRASH_SEED:-20261124}
KILLS=${BIDRAG_SERVE_CRASH_KILLS:-20}
PER=${BIDRAG_CRASH_PER:-2000} # events per batch
PW="crash-test-password"
spid=
trap '[ -n "$spid" ] && kill -9 "$spid" 2>/dev/null; cleanup_work' EXIT

if ! command -v curl >/dev/null; then
	fail "curl is installed (apt-get install curl; make check installs it)"
	done_testing
	exit 1
fi

"$BIDRAG" init >/dev/null
"$BIDRAG" decision import "$BIDRAG_SRC/examples/decisions/S2020-09797.json" >/dev/null
export BIDRAG_PASSWORD="$PW"
printf '%s\n' "$PW" | "$BIDRAG" user add root --role admin >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add anna --role handlaggare --by root >/dev/null

regions="01 03 04 05 06 07 08 09 10 12 13 14 17 18 19 20 21 22 23 24 25"
make_batch() { # N: PER payments of 1 kr as a JSON array, ids w<N>-<i>
	local b=$1 i=0 sep=
	{
		printf '['
		while [ $i -lt $PER ]; do
			for r in $regions; do
				[ $i -lt $PER ] || break
				printf '%s{"id":"w%s-%s","kind":"payment","dnr":"S2020/09797","part":"regioner","recipient":"%s","date":"2021-02-20","amount":1}' \
					"$sep" "$b" "$i" "$r"
				sep=,
				i=$((i + 1))
			done
		done
		printf ']'
	} >"$WORK/batch$b.json"
}
count() { sql "$BIDRAG_DB" "SELECT count(*) FROM ledger_event WHERE id LIKE 'w$1-%'"; }

start_server() { # the server on a free port; URL, and a session in $WORK/jar with $csrf
	rm -f "$WORK/ready"
	"$BIDRAG" serve --listen 127.0.0.1:0 --threads 2 --ready-file "$WORK/ready" >>"$WORK/serve.out" 2>>"$WORK/serve.err" &
	spid=$!
	for _ in $(seq 1 200); do
		[ -s "$WORK/ready" ] && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.05
	done
	URL=$(cat "$WORK/ready" 2>/dev/null)
	[ -n "$URL" ] || return 1
	csrf=$(curl -s -c "$WORK/jar" -H 'Content-Type: application/json' \
		-d "{\"name\":\"anna\",\"password\":\"$PW\"}" "${URL}api/login" | sed -nE 's/.*"csrf": *"([0-9a-f]+)".*/\1/p')
	[ -n "$csrf" ]
}
post() { # N: the batch; prints the HTTP status (000: no answer)
	curl -s -o "$WORK/answer" -w '%{http_code}' -b "$WORK/jar" -H 'Content-Type: application/json' \
		-H "X-CSRF-Token: $csrf" --data-binary "@$WORK/batch$1.json" "${URL}api/events"
}

if start_server; then
	pass "the server starts and anna logs in"
else
	fail "the server starts and anna logs in" "$(tail -5 "$WORK/serve.err")"
	done_testing
	exit 1
fi
# How long one batch takes here: the kills are spread over that time.
make_batch 0
t0=$(date +%s%N)
st=$(post 0)
span=$((($(date +%s%N) - t0) / 1000)) # microseconds
expect_eq "a batch of $PER events is recorded (201)" "$st" "201"
echo "# one batch of $PER events over HTTP takes ${span} us; kills are spread over 1.5 times that"
span=$((span * 3 / 2))

acked=(0) pending=() killed=0 whole=true opened=true chain=true intact=true restarted=true b=0 tries=0
while [ "$killed" -lt "$KILLS" ] && [ "$tries" -lt $((KILLS * 4)) ]; do
	tries=$((tries + 1))
	if [ ${#pending[@]} -gt 0 ] && [ $((RANDOM % 2)) -eq 0 ]; then
		cur=${pending[0]}
		pending=("${pending[@]:1}")
	else
		b=$((b + 1))
		make_batch $b
		cur=$b
	fi
	post "$cur" >"$WORK/status" &
	cpid=$!
	us=$(((RANDOM * 32768 + RANDOM) % span))
	sleep "$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))"
	kill -9 "$spid" 2>/dev/null && killed=$((killed + 1))
	wait "$spid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	if [ "$(cat "$WORK/status")" = 201 ]; then
		acked+=("$cur")
	else
		pending+=("$cur")
	fi
	if ! "$BIDRAG" ledger verify >"$WORK/verify" 2>&1; then
		opened=false
		sed 's/^/# /' "$WORK/verify" | head -5
	fi
	if ! "$BIDRAG" audit verify >"$WORK/averify" 2>&1; then
		chain=false
		sed 's/^/# /' "$WORK/averify" | head -5
	fi
	if [ "$ENGINE" = sqlite ] && [ "$(sql "$BIDRAG_DB" 'PRAGMA quick_check')" != ok ]; then
		intact=false
		echo "# PRAGMA quick_check after kill $tries: $(sql "$BIDRAG_DB" 'PRAGMA quick_check' | head -3)"
	fi
	cnt=$(count "$cur")
	if [ "$cnt" != 0 ] && [ "$cnt" != "$PER" ]; then
		whole=false
		echo "# batch $cur has $cnt of $PER events after kill $tries"
	fi
	start_server || { restarted=false; break; }
done
echo "# $killed kills in $tries tries; ${#acked[@]} batches acknowledged, ${#pending[@]} interrupted"
$opened && pass "after every kill the register opens and its books balance (ledger verify)" ||
	fail "after every kill the register opens and its books balance (ledger verify)"
$chain && pass "after every kill the audit log's chain holds (audit verify)" ||
	fail "after every kill the audit log's chain holds (audit verify)"
$intact && pass "after every kill the database file is intact (PRAGMA quick_check; PostgreSQL: not applicable, its own WAL replay)" ||
	fail "after every kill the database file is intact (PRAGMA quick_check)"
$whole && pass "after every kill each batch is wholly present or wholly absent" ||
	fail "after every kill each batch is wholly present or wholly absent"
$restarted && pass "the server starts again after every kill" || fail "the server starts again after every kill" "$(tail -5 "$WORK/serve.err")"
[ "$killed" -ge "$KILLS" ] && pass "the server was killed $KILLS times" || fail "the server was killed $KILLS times" "only $killed"

# Send every interrupted batch again: each lands exactly once.
landed=0
for cur in "${pending[@]}"; do
	st=$(post "$cur")
	case $st in 200 | 201) landed=$((landed + 1)); acked+=("$cur") ;; *) echo "# batch $cur: HTTP $st: $(cat "$WORK/answer")" ;; esac
done
expect_eq "every interrupted batch sent again is recorded" "$landed" "${#pending[@]}"
bad=0
for cur in "${acked[@]}"; do
	[ "$(count "$cur")" = "$PER" ] || { bad=$((bad + 1)); echo "# batch $cur has $(count "$cur") events"; }
done
expect_eq "every acknowledged batch is there exactly once" "$bad" "0"
total=$(sql "$BIDRAG_DB" "SELECT count(*) FROM ledger_event WHERE id LIKE 'w%'")
expect_eq "the ledger holds exactly the batches sent" "$total" "$((${#acked[@]} * PER))"
run "ledger verify at the end" 0 "$BIDRAG" ledger verify
run "audit verify at the end" 0 "$BIDRAG" audit verify
kill -TERM "$spid" 2>/dev/null
wait "$spid"
expect_eq "the last server exits 0 on SIGTERM" "$?" "0"
spid=
echo "# killpoints: engine=$ENGINE kills=$killed tries=$tries acked=${#acked[@]} landed=$landed"
done_testing
