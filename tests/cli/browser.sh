#!/usr/bin/env bash
# The browser UI in a real browser: Debian's chromium driven by playwright-core
# (from npm, installed into a cache outside the repository).  A fresh register
# with a user per role; 'bidrag serve' on a free loopback port; then
# tests/browser/flows.mjs logs in as each role and goes through the pages as a
# person would (upload a decision, see its bilaga and chart, register a
# payment, attest it, four eyes, verify the audit log, a recipient sees only
# its own organisation), saving a screenshot of every page it visits to
# $BIDRAG_SCREENSHOTS (default: screenshots/ in the build directory of the
# binary under test, emptied first, kept afterwards for people to look at).
# Needs chromium, nodejs and npm (apt-get install chromium nodejs npm).
. "$(dirname "$0")/lib.sh"
: "${BIDRAG:?the bidrag binary under test}" "${BIDRAG_SRC:?the repository}"

# playwright-core 1.61.1: the last release for node >= 18 (Debian 12's nodejs);
# runs on node 20 too, and drives chromium 156.
PLAYWRIGHT_CORE_VERSION=1.61.1
NODE_CACHE=${BIDRAG_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bidrag-test-node}
CHROMIUM=${BIDRAG_CHROMIUM:-/usr/bin/chromium}
SHOTS=${BIDRAG_SCREENSHOTS:-$(cd "$(dirname "$BIDRAG")" && pwd)/screenshots}
# The PostgreSQL pass keeps its own, so that a page that differs there is
# not lost under the SQLite pass's.
[ "$ENGINE" = sqlite ] || [ -n "${BIDRAG_SCREENSHOTS:-}" ] || SHOTS="$SHOTS-$ENGINE"
PW="browser-test 2026"
spid=

cleanup() {
	if [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; then
		kill -TERM "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
	fi
	cleanup_work
}
trap cleanup EXIT

# bail REASON DETAIL...: a missing prerequisite fails the whole test.
bail() {
	fail "$@"
	done_testing
	exit 1
}

# Prerequisites.
missing=
[ -x "$CHROMIUM" ] || missing="$missing chromium"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	echo "# error: the browser tests need:$missing (apt-get install chromium nodejs npm)" >&2
	bail "prerequisites for the browser tests are installed" "missing:$missing (apt-get install chromium nodejs npm)"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
	bail "node is version 18 or later" "node $(node --version) is too old for playwright-core $PLAYWRIGHT_CORE_VERSION"
fi
pass "chromium ($("$CHROMIUM" --version 2>/dev/null | head -1)) and node $(node --version) are installed"

# playwright-core, pinned, in the cache (installed once; under a lock, as
# tests/run may run the SQLite and the PostgreSQL pass side by side).
mkdir -p "$NODE_CACHE"
exec {npm_lock}>"$NODE_CACHE.lock"
flock "$npm_lock"
have=$(node -p "try { require('$NODE_CACHE/node_modules/playwright-core/package.json').version } catch (e) { '' }" 2>/dev/null)
if [ "$have" != "$PLAYWRIGHT_CORE_VERSION" ]; then
	echo "# installing playwright-core@$PLAYWRIGHT_CORE_VERSION into $NODE_CACHE"
	# Trust what the machine trusts: the system's CA store (a site's own CA,
	# added with update-ca-certificates, included), not only npm's bundled list.
	cafile=
	[ -r /etc/ssl/certs/ca-certificates.crt ] && cafile=/etc/ssl/certs/ca-certificates.crt
	if ! npm install --prefix "$NODE_CACHE" --no-audit --no-fund --save-exact --loglevel=error \
		${cafile:+--cafile "$cafile"} "playwright-core@$PLAYWRIGHT_CORE_VERSION" >"$WORK/npm.log" 2>&1; then
		bail "playwright-core@$PLAYWRIGHT_CORE_VERSION installs with npm" "$(tail -5 "$WORK/npm.log")" \
			"(a certificate error: add the CA that signs this network's TLS to the system store with update-ca-certificates)"
	fi
	have=$(node -p "require('$NODE_CACHE/node_modules/playwright-core/package.json').version" 2>/dev/null)
fi
expect_eq "playwright-core $PLAYWRIGHT_CORE_VERSION is in $NODE_CACHE" "$have" "$PLAYWRIGHT_CORE_VERSION"
exec {npm_lock}>&-

# A fresh register: a user per role, the seed 002 register (and the same
# register filed for Region Stockholm, so that a recipient's filter shows),
# bankgiro for the regions as in scripts/demo.sh.
export BIDRAG_DB=$(fresh_db web)
unset BIDRAG_USER
setup() {
	"$BIDRAG" init >/dev/null || return 1
	# root, the first user, an admin, adds the others; every change is a user's
	printf '%s\n' "$PW" | "$BIDRAG" user add root --role admin >/dev/null || return 1
	export BIDRAG_PASSWORD=$PW
	for u in anna:handlaggare bertil:attestant rut:revisor; do
		printf '%s\n' "$PW" | "$BIDRAG" user add "${u%%:*}" --role "${u##*:}" --by root >/dev/null || return 1
	done
	printf '%s\n' "$PW" | "$BIDRAG" user add eva --role mottagare --org 23 --by root >/dev/null || return 1
	"$BIDRAG" register import "$BIDRAG_SRC/examples/register/jamtland-2020.json" --by eva >/dev/null 2>&1 || return 1
	mkdir -p "$WORK/reg01"
	cp "$BIDRAG_SRC"/examples/register/* "$WORK/reg01/"
	sed -i 's/"org": "Region Jämtland Härjedalen"/"org": "Region Stockholm"/' "$WORK/reg01/jamtland-2020.json"
	"$BIDRAG" register import "$WORK/reg01/jamtland-2020.json" --by anna >/dev/null 2>&1 || return 1
	"$BIDRAG" payee import "$BIDRAG_SRC/examples/payees.csv" --user anna >/dev/null 2>&1 || return 1
}
if setup 2>"$WORK/setup.err"; then
	pass "a register with a user per role, the seed 002 register and bankgiro accounts"
else
	bail "a register with a user per role, the seed 002 register and bankgiro accounts" "$(tail -5 "$WORK/setup.err")"
fi

# The server, on a free port.
"$BIDRAG" serve --listen 127.0.0.1:0 --ready-file "$WORK/ready" >"$WORK/serve.out" 2>"$WORK/serve.err" &
spid=$!
for _ in $(seq 1 100); do
	[ -s "$WORK/ready" ] && break
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.1
done
URL=$(cat "$WORK/ready" 2>/dev/null)
case "$URL" in
http://127.0.0.1:*/) pass "bidrag serve listens ($URL)" ;;
*) bail "bidrag serve listens" "no address in the ready file" "$(cat "$WORK/serve.err")" ;;
esac

# The flows, in chromium.  Their TAP lines ("ok - ...", "not ok - ...",
# "# ...") are numbered here.  Playwright puts the browser's profile
# (--user-data-dir) in a fresh directory under TMPDIR.
mkdir -p "$SHOTS" "$WORK/tmp"
rm -f "$SHOTS"/*.png # this run's pages only
# Every flows file of tests/browser (lib.mjs is what they share), flows.mjs
# first, each in its own node process against the same server and register.
for flows in "$BIDRAG_SRC/tests/browser/flows.mjs" $(ls "$BIDRAG_SRC"/tests/browser/*.mjs | grep -v -e '/lib\.mjs$' -e '/flows\.mjs$'); do
fname=$(basename "$flows")
while IFS= read -r line; do
	case "$line" in
	"ok - "*) pass "${line#ok - }" ;;
	"not ok - "*) fail "${line#not ok - }" ;;
	"flows-exit 0" | "flows-exit 1") ;; # 1: a check failed, reported above
	"flows-exit "*) fail "tests/browser/$fname runs to its end" "exit status ${line#flows-exit }" ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done < <(
	TMPDIR="$WORK/tmp" BASE_URL="$URL" BIDRAG="$BIDRAG" BIDRAG_DB="$BIDRAG_DB" BIDRAG_SRC="$BIDRAG_SRC" \
		SCREENSHOTS="$SHOTS" PASSWORD="$PW" CHROMIUM="$CHROMIUM" NODE_CACHE="$NODE_CACHE" \
		node "$flows" 2>&1
	echo "flows-exit $?"
)
done
nshots=$(find "$SHOTS" -name '*.png' | wc -l)
echo "# $nshots screenshots in $SHOTS"
# A screenshot of each page of the UI (issue 6's list), by the names flows.mjs gives them.
nopage=
for page in startsida beslut beslutssida registrera-beslut fordelning registrera-utbetalning attestko \
	utbetalningsfiler mottagare-status mottagarregistret mottagarregistret-jamforelse granskningslogg anvandare \
	betalningsmottagare attestko-kontobyte; do
	ls "$SHOTS"/[0-9][0-9]-*"$page".png >/dev/null 2>&1 || nopage="$nopage $page"
done
expect_eq "a screenshot of every page was saved" "${nopage:-none missing}" "none missing"

# SIGTERM stops the server cleanly.
kill -TERM "$spid"
wait "$spid"
expect_eq "bidrag serve exits 0 on SIGTERM" "$?" "0"
spid=
if grep -qiE 'sanitizer|runtime error|segmentation' "$WORK/serve.err"; then
	fail "the server logged no memory errors" "$(head -20 "$WORK/serve.err")"
else
	pass "the server logged no memory errors"
fi
done_testing
