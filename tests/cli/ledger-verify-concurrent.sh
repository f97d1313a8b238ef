#!/usr/bin/env bash
# `ledger verify` while another process records: verify must read the replay
# and the stored balances in one snapshot, so a batch committed between its
# reads is never reported as a difference.  60 runs of verify against a
# background loop of `events import`; not one FAIL line, every exit 0.
. "$(dirname "$0")/lib.sh"
export BIDRAG_DB=$(fresh_db concurrent)
RUNS=${BIDRAG_VERIFY_RUNS:-60}
PER=400 # events per batch

"$BIDRAG" init >/dev/null
test_users # lib.sh: anna (handläggare) writes
"$BIDRAG" decision import "$BIDRAG_SRC/examples/decisions/S2020-09797.json" --by anna >/dev/null
regions="01 03 04 05 06 07 08 09 10 12 13 14 17 18 19 20 21 22 23 24 25"
make_batch() { # N: a batch of PER payments of 1 kr, ids c<N>-<i>
	local b=$1
	{
		echo "id,kind,dnr,part,recipient,date,by,amount"
		local i=0
		while [ $i -lt $PER ]; do
			for r in $regions; do
				[ $i -lt $PER ] || break
				echo "c$b-$i,payment,S2020/09797,regioner,$r,2021-02-20,anna,1"
				i=$((i + 1))
			done
		done
	} >"$WORK/batch$b.csv"
}
for b in 0 1 2 3 4 5 6 7; do make_batch $b; done
"$BIDRAG" events import "$WORK/batch0.csv" --quiet --by anna >/dev/null

# The writer: imports batches until told to stop (each batch a new one: the
# ids differ by round).
touch "$WORK/writing"
(
	round=1
	while [ -e "$WORK/writing" ]; do
		b=$((round % 8))
		sed "s/^c$b-/r$round-c$b-/" "$WORK/batch$b.csv" >"$WORK/w.csv"
		"$BIDRAG" events import "$WORK/w.csv" --quiet --by anna >/dev/null 2>&1
		round=$((round + 1))
	done
) &
writer=$!

fails=0 bad_rc=0
for i in $(seq 1 "$RUNS"); do
	"$BIDRAG" ledger verify >"$WORK/verify" 2>&1
	rc=$?
	[ $rc -eq 0 ] || bad_rc=$((bad_rc + 1))
	f=$(grep -c '^FAIL' "$WORK/verify")
	if [ "$f" -gt 0 ]; then
		fails=$((fails + f))
		head -3 "$WORK/verify" | sed 's/^/# /'
	fi
done
rm -f "$WORK/writing"
wait $writer

recorded=$(sql "$BIDRAG_DB" "SELECT count(*) FROM ledger_event")
echo "# $recorded events recorded during $RUNS verifications"
expect_eq "no FAIL line in $RUNS verifications during imports" "$fails" 0
expect_eq "every verification exits 0" "$bad_rc" 0
if [ "$recorded" -gt $((PER * 2)) ]; then pass "the writer recorded while verify ran"; else fail "the writer recorded while verify ran" "only $recorded events"; fi
run ledger verify
expect_rc "ledger verify at the end" 0
done_testing
