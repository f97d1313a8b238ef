#!/usr/bin/env bash
# The test runner itself (tests/run), on a tree of small made-up tests: it
# runs TEST_JOBS tests at once and adds up what they report, however they
# end; TEST_JOBS=1 runs them one after another; a bad TEST_JOBS is refused
# before anything runs; a TERM to the runner ends a test and what the test
# started.  No database: these tests name none, so no PostgreSQL pass.
. "$TESTS/cli/lib.sh"

# tree DIR: a copy of the runner with an empty build and the made-up tests.
tree() {
	mkdir -p "$1/tests/cli" "$1/build/tests"
	cp "$TESTS/run" "$TESTS/pg-server" "$TESTS/lsan.supp" "$1/tests/"
}
mark=$WORK/mark
mkdir -p "$mark"
export MARK=$mark

tree "$WORK/t"
# a and b each wait for the other to have started (up to $WAIT seconds).
for x in a:b b:a; do
	me=${x%%:*} other=${x##*:}
	cat >"$WORK/t/tests/cli/$me.sh" <<EOF
touch "\$MARK/$me"
i=0; while [ ! -e "\$MARK/$other" ] && [ \$i -lt \$((\${WAIT:-60} * 10)) ]; do sleep 0.1; i=\$((i + 1)); done
if [ -e "\$MARK/$other" ]; then echo "ok 1 - $other ran beside $me"; else echo "not ok 1 - $other did not start while $me ran"; fi
echo 1..1
EOF
done
printf 'echo "ok 1 - one"\necho "not ok 2 - two, on purpose"\necho 1..2\n' >"$WORK/t/tests/cli/c.sh"
printf 'echo "ok 1 - then it dies"\nexit 3\n' >"$WORK/t/tests/cli/d.sh"

TEST_JOBS=2 "$WORK/t/tests/run" "$WORK/t/build" >"$WORK/two.out" 2>&1
rc=$?
expect_eq "TEST_JOBS=2: the runner fails, as two tests did" "$rc" 1
expect_eq "TEST_JOBS=2: a and b ran side by side, each saw the other" \
	"$(grep -E '^cli/[ab]: ' "$WORK/two.out" | sed 's/ ([0-9]* s)$//' | sort)" \
	"$(printf 'cli/a: 1 passed, 0 failed\ncli/b: 1 passed, 0 failed')"
expect_eq "a test's own failure is counted" "$(grep '^cli/c: ' "$WORK/two.out" | sed 's/ ([0-9]* s)$//')" "cli/c: 1 passed, 1 failed"
expect_eq "a test that exits 3 without a plan counts two failures" \
	"$(grep '^cli/d: ' "$WORK/two.out" | sed 's/ ([0-9]* s)$//')" "cli/d: 1 passed, 2 failed"
if grep -q '^\[cli/d\] not ok - cli/d exited with status 3 without reporting a failure$' "$WORK/two.out" &&
	grep -q '^\[cli/d\] not ok - cli/d did not finish (no plan line)$' "$WORK/two.out"; then
	pass "the runner says why d failed"
else fail "the runner says why d failed" "$(cat "$WORK/two.out")"; fi
expect_eq "the last line adds up all four" "$(tail -1 "$WORK/two.out")" "4 passed, 3 failed"

rm -f "$mark"/*
WAIT=1 TEST_JOBS=1 "$WORK/t/tests/run" "$WORK/t/build" >"$WORK/one.out" 2>&1
expect_eq "TEST_JOBS=1: a ran alone (b had not started), then b found a's mark" \
	"$(grep -E '^cli/[ab]: ' "$WORK/one.out" | sed 's/ ([0-9]* s)$//')" \
	"$(printf 'cli/a: 0 passed, 1 failed\ncli/b: 1 passed, 0 failed')"
expect_eq "TEST_JOBS=1: the tests are reported in their order" \
	"$(grep -oE '^cli/[a-d]:' "$WORK/one.out" | tr -d '\n')" "cli/a:cli/b:cli/c:cli/d:"

for bad in abc 0 "" 2x -1; do
	rm -f "$mark"/*
	TEST_JOBS=$bad "$WORK/t/tests/run" "$WORK/t/build" >"$WORK/bad.out" 2>"$WORK/bad.err"
	rc=$?
	if [ $rc -eq 2 ] && grep -qF "tests/run: TEST_JOBS='$bad': expected a whole number of tests to run at once, 1 or more" "$WORK/bad.err" &&
		[ ! -s "$WORK/bad.out" ] && [ -z "$(ls "$mark")" ]; then
		pass "TEST_JOBS='$bad' is refused (exit 2, what was expected) and no test ran"
	else fail "TEST_JOBS='$bad' is refused (exit 2, what was expected) and no test ran" "rc $rc" "$(cat "$WORK/bad.err" "$WORK/bad.out")" "marks: $(ls "$mark")"; fi
done

# TERM: a test that starts a process of its own and waits.
tree "$WORK/h"
printf 'sleep 1000 &\necho $! >"$MARK/child"\necho "ok 1 - started"\nwait\necho 1..1\n' >"$WORK/h/tests/cli/hang.sh"
rm -f "$mark"/*
"$WORK/h/tests/run" "$WORK/h/build" >"$WORK/h.out" 2>&1 &
runner=$!
i=0; while [ ! -s "$mark/child" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
child=$(cat "$mark/child" 2>/dev/null)
if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then pass "the hanging test's own process runs"
else fail "the hanging test's own process runs" "$(cat "$WORK/h.out")"; fi
kill -TERM "$runner"
wait "$runner"
rc=$?
expect_eq "the runner ends with 143 on TERM" "$rc" 143
i=0; while [ -n "$child" ] && kill -0 "$child" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ -n "$child" ] && ! kill -0 "$child" 2>/dev/null; then pass "TERM to the runner ended the process the test started"
else
	fail "TERM to the runner ended the process the test started" "pid $child still runs"
	[ -n "$child" ] && kill "$child" 2>/dev/null
fi

cleanup_work
done_testing
