#!/usr/bin/env bash
# Concurrency that never overpays (PostgreSQL only: with SQLite, writers take
# turns).  One register with the seed decisions and a bankgiro for every
# payee; two `bidrag serve` on free loopback ports over it; eight writers,
# four through the web API (two per server) and four through the command
# line, doing random requisitions, payments, attestations, corrections,
# repayments and payment exports for $PG_CONCURRENCY_SECONDS (default 60)
# seconds (tests/cli/pg-concurrency.py, a fixed seed).  Then a model built
# from the decision file and the event journal alone: no account paid beyond
# its allocation, no part beyond its decided amount, no payment executed or
# in a batch file twice, every acknowledged event recorded once; and `audit
# verify` and `ledger verify` clean.  The '# ' lines give the counts:
# events recorded, refused by the ledger, sent again after a busy answer, and
# the database's serialisation failures (each one a transaction retried).
export BIDRAG_TEST_ENGINE=pg # this test is PostgreSQL's: lib.sh fails without a server
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples/decisions"
PW="correct horse battery staple"
TEST_PASSWORD=$PW # test_users' password (lib.sh)
SECONDS_RUN=${PG_CONCURRENCY_SECONDS:-60}

# bg DIGITS: DIGITS with their Luhn check digit appended, as a bankgiro.
bg() {
	local s=$1 t=0 i k=0 d
	for ((i = ${#s} - 1; i >= 0; i--, k++)); do
		d=${s:i:1}
		((k % 2 == 0)) && d=$((d * 2))
		((d > 9)) && d=$((d - 9))
		t=$((t + d))
	done
	s=$s$(((10 - t % 10) % 10))
	echo "${s:0:${#s}-4}-${s: -4}"
}

export BIDRAG_DB=$(fresh_db conc)
unset BIDRAG_USER
"$BIDRAG" init >/dev/null
test_users bjorn:handlaggare cecilia:attestant # lib.sh: root, anna, bertil, rut and these; BIDRAG_PASSWORD
"$BIDRAG" decision import "$EX"/*.json --by anna >/dev/null 2>&1
set_ok=0
for c in 01 03 04 05 06 07 08 09 10 12 13 14 17 18 19 20 21 22 23 24 25; do
	"$BIDRAG" org set "$c" --bankgiro "$(bg "51${c}000")" --by anna >/dev/null && set_ok=$((set_ok + 1))
done
"$BIDRAG" org set SKR --bankgiro "$(bg 5300000)" --by anna >/dev/null && set_ok=$((set_ok + 1))
expect_eq "a bankgiro for every region and SKR" "$set_ok" "22"
users_ok=$(sql "$BIDRAG_DB" "SELECT count(*) FROM app_user WHERE name IN ('anna', 'bjorn', 'bertil', 'cecilia')")
expect_eq "four users for the web API" "$users_ok" "4"

# start_server NAME: a `bidrag serve` on a free port; its URL in $URL, its pid in $SPID.
PIDS=()
start_server() {
	local ready="$WORK/$1.ready"
	"$BIDRAG" serve --db "$BIDRAG_DB" --listen 127.0.0.1:0 --ready-file "$ready" --threads 4 >"$WORK/$1.log" 2>&1 &
	SPID=$!
	PIDS+=("$SPID")
	URL=""
	for _ in $(seq 200); do
		if [ -s "$ready" ] && [ "$(tail -c1 "$ready" | od -An -c | tr -d ' ')" = '\n' ]; then URL=$(cat "$ready"); break; fi
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.1
	done
}
stop_servers() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; PIDS=(); }
trap 'stop_servers; cleanup_work' EXIT
start_server a
URL_A=$URL
start_server b
URL_B=$URL
if [ -z "$URL_A" ] || [ -z "$URL_B" ]; then
	fail "two servers start on the register" "$(cat "$WORK"/a.log "$WORK"/b.log)"
	done_testing
	exit
fi
pass "two servers start on the register ($URL_A, $URL_B)"

# Serialisation failures are errors in the server's log (tests/pg-server:
# DIR/log, each line naming the database): count this test's.
PGLOG=$(dirname "$BIDRAG_TEST_PG_HOST")/log
dbname=${BIDRAG_DB#postgresql://bidrag_test@/}
dbname=${dbname%%\?*}
log_before=$(wc -l <"$PGLOG" 2>/dev/null || echo 0)

mkdir -p "$WORK/drv"
python3 "$(dirname "$0")/pg-concurrency.py" "$BIDRAG" "$BIDRAG_DB" "$SECONDS_RUN" 12 "$WORK/drv" "$URL_A" "$URL_B" \
	>"$WORK/driver.out" 2>"$WORK/driver.err"
while IFS= read -r line; do
	case $line in
	"ok - "*) pass "${line#ok - }" ;;
	"not ok - "*) fail "${line#not ok - }" ;;
	*) echo "$line" ;;
	esac
done <"$WORK/driver.out"
if [ -s "$WORK/driver.err" ]; then
	fail "the driver wrote nothing on stderr" "$(head -40 "$WORK/driver.err")"
fi
serialisation=$(tail -n +"$((log_before + 1))" "$PGLOG" 2>/dev/null | grep " $dbname ERROR: " |
	grep -cE "could not serialize|deadlock detected")
echo "# serialisation failures and deadlocks in the server's log (each a transaction run again): $serialisation"

stop_servers
for s in a b; do
	if grep -qE "runtime error|AddressSanitizer|LeakSanitizer" "$WORK/$s.log"; then
		fail "server $s logged no sanitizer or runtime error" "$(grep -E -A5 "runtime error|Sanitizer" "$WORK/$s.log" | head -20)"
	else
		pass "server $s logged no sanitizer or runtime error"
	fi
done
run audit verify
expect_rc "audit verify: the audit chain is linear and verifies" 0
run ledger verify
if [ "$RC" -eq 0 ] && printf '%s\n' "$OUT" | grep -qE "^ok: [0-9]+ events? on [0-9]+ accounts? replayed; the books balance$"; then
	pass "ledger verify: the books balance"
else
	fail "ledger verify: the books balance" "exit $RC" "stdout: $OUT" "stderr: $ERR"
fi
done_testing
