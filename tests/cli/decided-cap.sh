# decided-cap.sh: the ledger never pays beyond a part's decided amount
# without a recorded override under four eyes (issue 11, item 7).
# S2017/07321/FS's published table adds up to 980 000 001 kr against a
# decided 980 000 000 kr: it is registered as published, but paying every
# row in full would pay 1 kr beyond the decision.
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples/decisions"
D="S2017/07321/FS (delvis)"
DRE="S2017/07321/FS \\(delvis\\)" # D in a regular expression
export BIDRAG_DB=$(fresh_db cap)
"$BIDRAG" init >/dev/null
# The people: registered users; the OS account running the test is anna's.
unset BIDRAG_USER
test_users
"$BIDRAG" user map anna --os-account "$(id -un)" --by root >/dev/null
"$BIDRAG" decision import "$EX/S2017-07321-FS.json" >/dev/null 2>&1
# The regions' accounts (pay plan holds a payment to a payee without one).
"$BIDRAG" payee import "$EX/../payees.csv" >/dev/null 2>&1
ids() { "$BIDRAG" pay list --state "$1" --format csv | python3 -c 'import csv,sys; [print(r["id"]) for r in csv.DictReader(sys.stdin)]'; }
registered=() # the plan's ids hold the DNR, spaces included


# A DNR the register does not know is an error, not "nothing to plan".
expect_error "pay plan of an unknown decision says so" "no decision 'S2017/07321/FS' in the register" \
	pay plan S2017/07321/FS --date 2018-06-01 --by anna

# The plan pays 20 of the 21 rows and holds the one that would go beyond.
run pay plan "$D" --date 2018-06-01 --by anna
expect_rc "pay plan on an over-allocated part succeeds" 0
expect_out "pay plan registers the 20 payments within the decision" "^20 events recorded, 0 already recorded$"
expect_err "pay plan names the payment it holds and why" \
	"the payment of 24 356 075,00 kr to 25 is held: it would bring the part's payments 1,00 kr beyond its decided amount"

# Paying the held row in full is refused, and nothing is recorded.
before=$(db_sum "$BIDRAG_DB")
expect_error "a payment beyond the decided amount is refused" \
	"24 356 075 kr would bring the payments of part 'landsting' to 980 000 001 kr, 1 kr beyond its decided amount of 980 000 000 kr.*needs an override with a reason" \
	pay add "$D" --part landsting --recipient 25 --amount "24 356 075" --date 2018-06-01 --by anna
expect_eq "the refused payment changed nothing" "$(db_sum "$BIDRAG_DB")" "$before"

# Up to the decided amount it goes through.
run pay add "$D" --part landsting --recipient 25 --amount "24 356 074" --date 2018-06-01 --by anna
expect_rc "a payment up to the decided amount is registered" 0
expect_error "one krona more is refused" "1 kr would bring the payments of part 'landsting' to 980 000 001 kr, 1 kr beyond" \
	pay add "$D" --part landsting --recipient 25 --amount 1 --date 2018-06-01 --by anna

# The status names the excess before it is paid: a payment beyond needs an override.
run status "$D"
expect_out "status notes a table that allocates more than its decision" \
	"^OBS: $DRE del landsting: tabellen fördelar 980 000 001,00 kr, 1,00 kr mer än beslutade 980 000 000,00 kr; en utbetalning utöver beslutet kräver ett registrerat undantag$"

# With an override (a recorded reason) it is registered; a second person
# attests it; the one who registered it cannot.
run pay add "$D" --part landsting --recipient 25 --amount 1 --date 2018-06-01 --by anna --override "tabellen avrundad uppåt; beslut 2018-06-01"
expect_rc "with an override the krona beyond is registered" 0
over=$(printf '%s\n' "$OUT" | sed -n 's/^recorded //p')
run pay list --format csv
expect_out "the attestation queue shows the override beside its payment" "^$over,2018-06-01,.*,anna,tabellen avrundad uppåt; beslut 2018-06-01\$"
expect_error "four eyes: the registrar (a handläggare) cannot attest the overriding payment" \
	"anna is handlaggare, and a user with that role may not record an attest event" \
	pay attest "$over" --date 2018-06-02 --by anna
mapfile -t registered < <(ids registered)
run pay attest "${registered[@]}" --date 2018-06-02 --by bertil
expect_rc "a second person attests every payment" 0

# The status and the appropriation view show what was paid beyond the decision.
run status "$D"
expect_out "status shows the payments beyond the decision" \
	"^OBS: $DRE del landsting: tabellen fördelar 980 000 001,00 kr, 1,00 kr mer än beslutade 980 000 000,00 kr; utbetalt eller under behandling 980 000 001,00 kr, 1,00 kr utöver beslutet \(med registrerat undantag\)$"
run appropriation list --year 2018
expect_out "the appropriation view shows the payments beyond the decision" \
	"^OBS: $DRE del landsting: .*utbetalt eller under behandling 980 000 001,00 kr, 1,00 kr utöver beslutet"

# A part within its decision gets no note.
run status "$D" --format csv
if printf '%s\n' "$OUT" | grep -q OBS; then fail "csv status carries no notes" "$OUT"; else pass "csv status carries no notes"; fi
run ledger verify
expect_rc "ledger verify is clean after the override" 0
done_testing
