#!/usr/bin/env bash
# check.sh BUILD ASAN: the whole test suite against both builds; ends with
# the line "N passed, N failed" over both.  Each tests/run runs the store's
# tests on SQLite and on a PostgreSQL server of its own (tests/pg-server),
# the ASan build's included: the PostgreSQL engine's memory is checked too.
# With FUZZ_BUILD set (make check: build-fuzz), each fuzz harness also runs
# over its seeds and for FUZZ_CHECK_SECONDS more (default 3; tests/fuzz/run).
set -u
total_p=0 total_f=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for b in "$@"; do
	echo "== tests against $b"
	out=$(tests/run "$b" 2>&1 | tee -a /dev/stderr | tail -1) # -a: never truncate a log stderr goes to
	p=$(echo "$out" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1/p')
	f=$(echo "$out" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\2/p')
	[ -n "$p" ] || { p=0; f=$((f + 1)); echo "not ok - tests/run $b did not finish"; }
	total_p=$((total_p + p)); total_f=$((total_f + ${f:-1}))
done
if [ -n "${FUZZ_BUILD:-}" ]; then
	echo "== fuzz harnesses in $FUZZ_BUILD, ${FUZZ_CHECK_SECONDS:-3} s each"
	out=$(tests/fuzz/run --check "$FUZZ_BUILD" "${FUZZ_CHECK_SECONDS:-3}" 2>&1 | tee -a /dev/stderr)
	p=$(echo "$out" | grep -c '^ok ')
	f=$(echo "$out" | grep -c '^not ok ')
	echo "$out" | grep -qE '^1\.\.[0-9]+' || { f=$((f + 1)); echo "not ok - tests/fuzz/run $FUZZ_BUILD did not finish"; }
	total_p=$((total_p + p)); total_f=$((total_f + f))
fi
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
