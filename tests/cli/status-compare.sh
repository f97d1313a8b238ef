#!/usr/bin/env bash
# One status view: `bidrag status --format json` and GET /api/status answer
# the same figures, account by account and figure by figure, on one database
# where rights have lapsed (requisition parts whose deadline passed without a
# requisition, evaluated on a day after it), with payments and a recorded
# lapse among them.  Every account of the API must also add up: allocated =
# paid + lapsed + outstanding (what the UI's rows show).
. "$(dirname "$0")/lib.sh"
: "${BIDRAG:?the bidrag binary under test}" "${BIDRAG_SRC:?the repository}"
export BIDRAG_DB=$(fresh_db status)
D0=S2020/09797
PW=$TEST_PASSWORD # lib.sh: test_users' password
spid=
cleanup() {
	if [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; then
		kill -TERM "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
	fi
	cleanup_work
}
trap cleanup EXIT

setup() {
	"$BIDRAG" init >/dev/null || return 1
	test_users || return 1 # lib.sh: root, anna, bertil, rut (revisor)
	"$BIDRAG" decision import "$BIDRAG_SRC"/examples/decisions/*.json --by anna >/dev/null 2>&1 || return 1
	"$BIDRAG" payee import "$BIDRAG_SRC/examples/payees.csv" --user anna >/dev/null 2>&1 || return 1
	# paid inside the window: a figure besides allocated and lapsed
	"$BIDRAG" pay add $D0 --part regioner --recipient 03 --amount "7 980 491" --date 2021-02-15 --id sc-pay \
		--by anna >/dev/null || return 1
}
if setup 2>"$WORK/setup.err"; then
	pass "a register with the example decisions, a payment and a user"
else
	fail "a register with the example decisions, a payment and a user" "$(tail -5 "$WORK/setup.err")"
	done_testing
	exit 1
fi

"$BIDRAG" serve --listen 127.0.0.1:0 --ready-file "$WORK/ready" >"$WORK/serve.out" 2>"$WORK/serve.err" &
spid=$!
for _ in $(seq 1 100); do
	[ -s "$WORK/ready" ] && break
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.1
done
URL=$(cat "$WORK/ready" 2>/dev/null)
case "$URL" in
http://127.0.0.1:*/) pass "bidrag serve listens" ;;
*)
	fail "bidrag serve listens" "no address in the ready file" "$(cat "$WORK/serve.err")"
	done_testing
	exit 1
	;;
esac

# compare AS_OF [DNR]: the CLI's and the API's status on AS_OF; prints
# "same N accounts, lapsed X öre" or the differences, one a line.
compare() {
	local as_of=$1 dnr=${2:-}
	"$BIDRAG" status ${dnr:+"$dnr"} --as-of "$as_of" --format json >"$WORK/cli.json" 2>"$WORK/cli.err" ||
		{ echo "bidrag status failed: $(cat "$WORK/cli.err")"; return; }
	URL=$URL PW=$PW AS_OF=$as_of DNR=$dnr CLI="$WORK/cli.json" python3 - <<'PY'
import http.client, json, os, re, urllib.parse
from decimal import Decimal
u = urllib.parse.urlparse(os.environ["URL"])
def req(method, path, body=None, cookie=None):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    h = {"Content-Type": "application/json"}
    if cookie:
        h["Cookie"] = "bidrag_session=" + cookie
    c.request(method, path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    return r.status, r.getheader("Set-Cookie") or "", r.read()
st, sc, _ = req("POST", "/api/login", {"name": "rut", "password": os.environ["PW"]})
m = re.search(r"bidrag_session=([0-9a-f]+)", sc)
if st != 200 or not m:
    print("login failed: %d" % st); raise SystemExit
q = {"as_of": os.environ["AS_OF"]}
if os.environ["DNR"]:
    q["dnr"] = os.environ["DNR"]
st, _, raw = req("GET", "/api/status?" + urllib.parse.urlencode(q), cookie=m.group(1))
if st != 200:
    print("GET /api/status: %d %s" % (st, raw[:200])); raise SystemExit
api = json.loads(raw)
cli = json.load(open(os.environ["CLI"]))
figs = ["allocated", "requisitioned", "in_process", "paid", "lapsed", "claimed", "repaid", "outstanding"]
def ore(s):
    d = Decimal(s) * 100
    assert d == d.to_integral_value()
    return int(d)
diffs = []
if api.get("as_of") != os.environ["AS_OF"]:
    diffs.append("as_of %r" % api.get("as_of"))
accs = api.get("accounts", [])
if len(accs) != len(cli):
    diffs.append("%d accounts in the API, %d rows in the CLI" % (len(accs), len(cli)))
for i, (a, c) in enumerate(zip(accs, cli)):
    key = (a["dnr"], a["part"], a["recipient_name"] or a["recipient"])
    if key != (c["dnr"], c["part"], c["recipient"]):
        diffs.append("row %d: API %s, CLI %s" % (i, key, (c["dnr"], c["part"], c["recipient"])))
        continue
    for f in figs:
        if a[f] != ore(c[f]):
            diffs.append("%s / %s / %s: %s API %d öre, CLI %d öre" % (key + (f, a[f], ore(c[f]))))
    if a["allocated"] != a["paid"] + a["lapsed"] + a["outstanding"]:
        diffs.append("%s / %s / %s: the API's row does not add up (allocated %d, paid %d + lapsed %d + outstanding %d)"
                     % (key + (a["allocated"], a["paid"], a["lapsed"], a["outstanding"])))
if diffs:  # one line, so TAP keeps it as the check's detail
    print("%d difference(s): %s" % (len(diffs), "; ".join(diffs[:6])))
if not diffs:
    print("same %d accounts, lapsed %d öre" % (len(accs), sum(a["lapsed"] for a in accs)))
PY
}

# Before any deadline: nothing lapsed, the views agree.
got=$(compare 2021-02-16)
expect_eq "2021-02-16: CLI and API agree figure by figure, nothing lapsed" "$(printf '%s' "$got" | sed 's/^same [0-9]* accounts/same/')" "same, lapsed 0 öre"
# SKR's requisition part of S2020/09797 lapses on 1 December 2021 without a requisition.
got=$(compare 2021-12-02 $D0)
expect_eq "2021-12-02, $D0: CLI and API agree, SKR's 15 000 000 kr lapsed" "$got" "same 28 accounts, lapsed 1500000000 öre"
# Years later: every requisition part of the examples has lapsed.
got=$(compare 2025-01-01)
case "$got" in
"same "*", lapsed 0 öre") fail "2025-01-01: rights have lapsed" "$got" ;;
"same "*) pass "2025-01-01: CLI and API agree figure by figure on every account, with lapsed rights ($got)" ;;
*) fail "2025-01-01: CLI and API agree figure by figure on every account" "$got" ;;
esac

# A recorded lapse counts once, in both.
run requisition refuse $D0 --part skr --recipient SKR --date 2021-12-02 --by anna --id sc-lapse
expect_out "the lapse of SKR's part is recorded" "^recorded sc-lapse$"
got=$(compare 2021-12-31 $D0)
expect_eq "2021-12-31, $D0: CLI and API agree after the lapse is recorded" "$got" "same 28 accounts, lapsed 1500000000 öre"

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
