#!/usr/bin/env bash
# Several servers, one database (PostgreSQL only: the deployment behind a
# load balancer).  Two `bidrag serve` on two ports over one register:
#  - a session made on one is valid on the other, a logout on one ends it on
#    both, and a restarted server still knows it (sessions are rows of the
#    database, stored as the SHA-256 of the token, never the token);
#  - the GET cache of either never serves an answer older than the last
#    committed change: a payment recorded through server A shows at once in
#    a GET on server B that had the answer before it cached (the change
#    counter, store_generation, is a row every write transaction bumps);
#  - login throttling counts failures made on both servers together.
export BIDRAG_TEST_ENGINE=pg # this test is PostgreSQL's: lib.sh fails without a server
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples/decisions"
PW="correct horse battery staple"
TEST_PASSWORD=$PW # test_users' password (lib.sh)
D0=S2020/09797

export BIDRAG_DB=$(fresh_db two)
unset BIDRAG_USER
"$BIDRAG" init >/dev/null
test_users # lib.sh: root, anna (handläggare), bertil (attestant), rut; BIDRAG_PASSWORD
"$BIDRAG" decision import "$EX"/*.json --by anna >/dev/null 2>&1

declare -A SPIDS
# start_server NAME: a `bidrag serve` on a free port; its URL in URL_NAME.
start_server() {
	local ready="$WORK/$1.ready" url=""
	rm -f "$ready"
	"$BIDRAG" serve --db "$BIDRAG_DB" --listen 127.0.0.1:0 --ready-file "$ready" --threads 4 >>"$WORK/$1.log" 2>&1 &
	SPIDS[$1]=$!
	for _ in $(seq 200); do
		if [ -s "$ready" ] && [ "$(tail -c1 "$ready" | od -An -c | tr -d ' ')" = '\n' ]; then url=$(cat "$ready"); break; fi
		kill -0 "${SPIDS[$1]}" 2>/dev/null || break
		sleep 0.1
	done
	url=${url%/}
	printf -v "URL_$1" '%s' "$url"
}
stop_server() { kill "${SPIDS[$1]}" 2>/dev/null; wait "${SPIDS[$1]}" 2>/dev/null; unset "SPIDS[$1]"; }
trap 'for s in "${!SPIDS[@]}"; do stop_server "$s"; done; cleanup_work' EXIT
start_server A
start_server B
if [ -z "$URL_A" ] || [ -z "$URL_B" ]; then
	fail "two servers start on one database" "$(cat "$WORK"/A.log "$WORK"/B.log)"
	done_testing
	exit
fi
pass "two servers start on one database"

# http METHOD URL [BODY] [COOKIE CSRF]: the status in $CODE, the body in $BODY,
# the response's headers in $WORK/headers.
http() {
	local args=(-s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$1" "$2")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	[ -n "${4:-}" ] && args+=(-H "Cookie: bidrag_session=$4")
	[ -n "${5:-}" ] && args+=(-H "X-CSRF-Token: $5")
	CODE=$(curl "${args[@]}")
	BODY=$(cat "$WORK/body")
}
# login URL NAME PASSWORD: $TOKEN and $CSRF of the new session.
login() {
	http POST "$1/api/login" "{\"name\": \"$2\", \"password\": \"$3\"}"
	TOKEN=$(sed -n 's/^Set-Cookie: bidrag_session=\([0-9a-f]*\);.*/\1/ip' "$WORK/headers" | tr -d '\r')
	CSRF=$(printf '%s' "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("csrf",""))' 2>/dev/null)
}
json() { printf '%s' "$BODY" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# 1. Sessions.
login "$URL_A" anna "$PW"
expect_eq "anna logs in on server A" "$CODE ${#TOKEN}" "200 64"
ANNA=$TOKEN ANNA_CSRF=$CSRF
http GET "$URL_B/api/status?dnr=$D0" "" "$ANNA"
expect_eq "... and her session is valid on server B" "$CODE" "200"
expect_eq "the database keeps the session as the SHA-256 of its token, not the token" \
	"$(sql "$BIDRAG_DB" "SELECT token_sha256 FROM web_session")" "$(printf '%s' "$ANNA" | sha256sum | cut -d' ' -f1)"
expect_eq "... and the token itself is nowhere in the database" "$(db_dump "$BIDRAG_DB" | grep -c "$ANNA")" "0"
stop_server A
start_server A
http GET "$URL_A/api/status?dnr=$D0" "" "$ANNA"
expect_eq "a restarted server still knows the session" "$CODE" "200"
login "$URL_B" bertil "$PW"
BERTIL=$TOKEN
http POST "$URL_A/api/logout" '{}' "$BERTIL" "$CSRF"
expect_eq "bertil, logged in on B, logs out on A" "$CODE" "200"
http GET "$URL_B/api/status?dnr=$D0" "" "$BERTIL"
expect_eq "... and his session is over on B too" "$CODE" "401"

# 2. The GET cache.  B answers the same GET twice (the second from its cache
# when the database is unchanged); a payment recorded through A must show in
# B's very next answer.
paid_in_process() { json 'sum(a["in_process"] for a in d["accounts"] if a["recipient"] == "09" and a["part"] == "regioner")'; }
http GET "$URL_B/api/status?dnr=$D0" "" "$ANNA"
first=$(paid_in_process)
http GET "$URL_B/api/status?dnr=$D0" "" "$ANNA"
expect_eq "server B answers the same GET the same way twice, nothing in process for Gotland" "$first $(paid_in_process)" "0 0"
gen_before=$(sql "$BIDRAG_DB" "SELECT n FROM bd_generation")
http POST "$URL_A/api/events" "[{\"id\": \"two-1\", \"kind\": \"payment\", \"dnr\": \"$D0\", \"part\": \"regioner\", \"recipient\": \"Region Gotland\", \"amount\": \"100 000\", \"date\": \"2021-03-01\"}]" "$ANNA" "$ANNA_CSRF"
expect_eq "a payment of 100 000 kr to Region Gotland recorded through server A" "$CODE" "201"
expect_eq "... moves the change counter" "$(($(sql "$BIDRAG_DB" "SELECT n FROM bd_generation") > gen_before))" "1"
http GET "$URL_B/api/status?dnr=$D0" "" "$ANNA"
expect_eq "... and server B's next GET shows it at once (10 000 000 öre in process)" "$CODE $(paid_in_process)" "200 10000000"
login "$URL_B" anna "$PW" # a login is in the audit log: a change
ANNA2=$TOKEN
gen_before=$(sql "$BIDRAG_DB" "SELECT n FROM bd_generation")
http GET "$URL_A/api/status?dnr=$D0" "" "$ANNA2"
http GET "$URL_B/api/payments" "" "$ANNA"
http GET "$URL_B/api/status?dnr=$D0" "" "$ANNA2"
expect_eq "using sessions and reading do not move the change counter (they empty no cache)" \
	"$(sql "$BIDRAG_DB" "SELECT n FROM bd_generation")" "$gen_before"

# 3. Throttling: five failures, alternating between the servers, and the
# sixth attempt on either is refused with 429, whichever server it goes to.
codes=""
for s in A B A B A; do
	u=URL_$s
	http POST "${!u}/api/login" '{"name": "anna", "password": "wrong password"}'
	codes="$codes $CODE"
done
expect_eq "five wrong passwords for anna, on A, B, A, B, A: each 401" "$codes" " 401 401 401 401 401"
expect_eq "the database counts the failures of both servers under one key, and sets a wait" \
	"$(sql "$BIDRAG_DB" "SELECT failures, until > first FROM login_throttle WHERE key = 'user:anna'")" "5|t"
# The wait doubles with each failure (1 s after the fifth): one of the next
# attempts comes inside it, whichever server it goes to.
codes=""
for s in B A B A B A; do
	u=URL_$s
	http POST "${!u}/api/login" '{"name": "anna", "password": "wrong password"}'
	codes="$codes $CODE"
	[ "$CODE" = 429 ] && break
done
expect_out_h() { if grep -qi "^Retry-After: [0-9]" "$WORK/headers"; then pass "$1"; else fail "$1" "$(cat "$WORK/headers")"; fi; }
expect_eq "... and a further attempt is made to wait (429)" "${codes##* }" "429"
expect_out_h "... with Retry-After"

for s in A B; do
	stop_server "$s"
	if grep -qE "runtime error|AddressSanitizer|LeakSanitizer" "$WORK/$s.log"; then
		fail "server $s logged no sanitizer or runtime error" "$(grep -E -A5 "runtime error|Sanitizer" "$WORK/$s.log" | head -20)"
	else
		pass "server $s logged no sanitizer or runtime error"
	fi
done
done_testing
