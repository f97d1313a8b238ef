#!/usr/bin/env bash
# Sessions kept in memory (store_session_get_at): a server thread answers a
# session it read at an unchanged generation without asking the database
# again, so this test checks that nothing ends a session later than it did
# when every request read it.  Two `bidrag serve` over one register (both
# engines), each with a few threads, every session used on both many times
# first (so that every thread keeps it):
#  - a logout on server A ends the session on server B at its very next
#    request, and on A itself;
#  - a session ended by hand in the database (the end a logout writes, and
#    on SQLite a row deleted) is refused at once by both;
#  - a session that ran out of time (idle for 2 h) is refused at once, and
#    the refusal ends it in the database;
#  - a GET answered from the cache before and after all of this is the same;
#  - request headers of 12 000 bytes fit in a connection's memory;
#  - the other sessions are not touched by one ending.
. "$(dirname "$0")/lib.sh"
export BIDRAG_DB=$(fresh_db sessions)
"$BIDRAG" init >/dev/null
"$BIDRAG" decision import "$BIDRAG_SRC/examples/decisions/S2020-09797.json" >/dev/null 2>&1
test_users || { fail "the test users are added"; done_testing; exit 1; }
PW=$TEST_PASSWORD
ANNEX="/api/decision/annex?dnr=S2020/09797&annex=bilaga-1"

if ! command -v curl >/dev/null; then
	fail "curl is installed (apt-get install curl; make check installs it)"
	done_testing
	exit 1
fi

declare -A SPIDS
start_server() { # NAME: a `bidrag serve` on a free port; its URL in URL_NAME
	local ready="$WORK/$1.ready" url=""
	rm -f "$ready"
	"$BIDRAG" serve --db "$BIDRAG_DB" --listen 127.0.0.1:0 --ready-file "$ready" --threads 3 >>"$WORK/$1.log" 2>&1 &
	SPIDS[$1]=$!
	for _ in $(seq 200); do
		if [ -s "$ready" ] && [ "$(tail -c1 "$ready" | od -An -c | tr -d ' ')" = '\n' ]; then url=$(cat "$ready"); break; fi
		kill -0 "${SPIDS[$1]}" 2>/dev/null || break
		sleep 0.1
	done
	printf -v "URL_$1" '%s' "${url%/}"
}
stop_server() { kill "${SPIDS[$1]}" 2>/dev/null; wait "${SPIDS[$1]}" 2>/dev/null; unset "SPIDS[$1]"; }
trap 'for s in "${!SPIDS[@]}"; do stop_server "$s"; done; cleanup_work' EXIT
start_server A
start_server B
if [ -z "$URL_A" ] || [ -z "$URL_B" ]; then
	fail "two servers start on one database" "$(cat "$WORK"/A.log "$WORK"/B.log)"
	done_testing
	exit 1
fi
pass "two servers start on one database"

# http METHOD URL [BODY] [COOKIE CSRF]: the status in $CODE, the body in $WORK/body.
http() {
	local args=(-s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$1" "$2")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	[ -n "${4:-}" ] && args+=(-H "Cookie: bidrag_session=$4")
	[ -n "${5:-}" ] && args+=(-H "X-CSRF-Token: $5")
	CODE=$(curl "${args[@]}")
}
login() { # URL NAME: TOKEN and CSRF
	http POST "$1/api/login" "{\"name\": \"$2\", \"password\": \"$PW\"}"
	TOKEN=$(grep -io 'bidrag_session=[0-9a-f]*' "$WORK/headers" | head -1 | cut -d= -f2)
	CSRF=$(sed -n 's/.*"csrf": *"\([0-9a-f]*\)".*/\1/p' "$WORK/body")
}
# codes TOKEN: the statuses of GET /api/me and of the annex, 6 times each on
# both servers (new connections, so every thread of each gets its turn), as
# one line of distinct codes.
codes() {
	local out=() i s
	for i in 1 2 3 4 5 6; do
		for s in "$URL_A" "$URL_B"; do
			http GET "$s/api/me" "" "$1"
			out+=("$CODE")
			http GET "$s$ANNEX" "" "$1"
			out+=("$CODE")
		done
	done
	printf '%s\n' "${out[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//'
}
hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

login "$URL_A" anna
ANNA=$TOKEN ANNA_CSRF=$CSRF
login "$URL_B" rut
RUT=$TOKEN
login "$URL_A" bertil
BERTIL=$TOKEN
expect_eq "anna, rut and bertil log in" "${#ANNA} ${#RUT} ${#BERTIL}" "64 64 64"
expect_eq "anna's session is valid on both servers, every time (kept by their threads)" "$(codes "$ANNA")" "200"
expect_eq "so is rut's" "$(codes "$RUT")" "200"
expect_eq "so is bertil's" "$(codes "$BERTIL")" "200"
http GET "$URL_B$ANNEX" "" "$RUT"
annex_before=$(cat "$WORK/body")

# 1. A logout on A ends the session on B at once.
http POST "$URL_A/api/logout" '{}' "$ANNA" "$ANNA_CSRF"
expect_eq "anna logs out on server A" "$CODE" "200"
expect_eq "... and her session is refused at once by every thread of both servers" "$(codes "$ANNA")" "401"
expect_eq "... rut's session is still valid on both" "$(codes "$RUT")" "200"

# 2. Ended in the database by hand: the row as a logout leaves it.
sql "$BIDRAG_DB" "UPDATE web_session SET created = 0, seen = 0 WHERE token_sha256 = '$(hash "$BERTIL")'"
case $ENGINE in
sqlite)
	expect_eq "bertil's session, ended in the database by another program, is refused at once on both" \
		"$(codes "$BERTIL")" "401"
	sql "$BIDRAG_DB" "DELETE FROM web_session WHERE token_sha256 = '$(hash "$RUT")'"
	expect_eq "rut's session, deleted from the database, is refused at once on both" "$(codes "$RUT")" "401"
	login "$URL_B" rut
	RUT=$TOKEN
	;;
pg)
	# On PostgreSQL the change counter moves with what bidrag writes (a
	# logout, an expiry, a deletion of old sessions); an UPDATE by hand
	# also bumps it, as the logout's statement does.
	sql "$BIDRAG_DB" "UPDATE bd_generation SET n = n + 1"
	expect_eq "bertil's session, ended in the database as a logout ends it, is refused at once on both" \
		"$(codes "$BERTIL")" "401"
	;;
esac

# 3. Out of time: seen more than 2 h ago (the idle limit), as the database
# has it; refused at once, and the refusal ends it in the database.
login "$URL_A" bertil
BERTIL=$TOKEN
expect_eq "bertil logs in again, valid on both" "$(codes "$BERTIL")" "200"
old=$(($(date +%s) - 3 * 3600))
sql "$BIDRAG_DB" "UPDATE web_session SET seen = $old WHERE token_sha256 = '$(hash "$BERTIL")'"
[ "$ENGINE" = pg ] && sql "$BIDRAG_DB" "UPDATE bd_generation SET n = n + 1"
expect_eq "a session idle for 3 h is refused at once on both" "$(codes "$BERTIL")" "401"
expect_eq "... and is ended in the database" \
	"$(sql "$BIDRAG_DB" "SELECT created, seen FROM web_session WHERE token_sha256 = '$(hash "$BERTIL")'")" "0|0"

# 4. Request headers of 12 000 bytes fit in a connection's memory (16 KiB,
# server.c: libmicrohttpd zeroes it between requests, so it is kept small).
pad=$(head -c 12000 /dev/zero | tr '\0' a)
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Pad: $pad" -H "Cookie: bidrag_session=$RUT" "$URL_A$ANNEX")
expect_eq "a GET with 12 000 bytes of request headers is answered" "$CODE" "200"

# 5. The cached GET is the same answer.
http GET "$URL_B$ANNEX" "" "$RUT"
expect_eq "the annex answered after all this is the one answered before" "$(cat "$WORK/body")" "$annex_before"
expect_eq "rut's session is valid on both to the end" "$(codes "$RUT")" "200"

for s in A B; do
	stop_server "$s"
	if grep -qE "runtime error|Sanitizer" "$WORK/$s.log"; then
		fail "server $s logged no sanitizer or runtime error" "$(grep -E -A5 "runtime error|Sanitizer" "$WORK/$s.log" | head -20)"
	else
		pass "server $s logged no sanitizer or runtime error"
	fi
done
done_testing
