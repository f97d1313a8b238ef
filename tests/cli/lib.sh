# lib.sh: helpers for command-line tests (TAP).  Source it, call the checks,
# end with `done_testing`.  $BIDRAG is the binary under test, $SEEDS the seed
# documents, $TESTS the tests folder.  Each test gets a fresh $WORK folder.
set -u
n=0
nfail=0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export BIDRAG_DATASETS="$WORK/datasets"

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# run CMD...: run bidrag, keeping stdout in $OUT, stderr in $ERR, status in $RC.
run() {
	"$BIDRAG" "$@" >"$WORK/out" 2>"$WORK/err"
	RC=$?
	OUT=$(cat "$WORK/out")
	ERR=$(cat "$WORK/err")
}

# expect_rc NAME RC: the last run exited with RC.
expect_rc() {
	if [ "$RC" -eq "$2" ]; then pass "$1"; else fail "$1" "exit status $RC, expected $2" "stderr: $ERR"; fi
}
# expect_out NAME PATTERN: stdout matches the extended regular expression.
expect_out() {
	if printf '%s\n' "$OUT" | grep -qE -- "$2"; then pass "$1"; else fail "$1" "stdout lacks /$2/" "$(printf '%s' "$OUT" | head -20)"; fi
}
# expect_err NAME PATTERN: stderr matches.
expect_err() {
	if printf '%s\n' "$ERR" | grep -qE -- "$2"; then pass "$1"; else fail "$1" "stderr lacks /$2/" "stderr: $ERR"; fi
}
# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got:  $2" "want: $3"; fi
}
# expect_error NAME PATTERN CMD...: bidrag fails with status 2, the message
# matches, and nothing is printed on stdout.
expect_error() {
	local name=$1 pat=$2; shift 2
	run "$@"
	if [ "$RC" -eq 2 ] && printf '%s\n' "$ERR" | grep -qE -- "$pat" && [ -z "$OUT" ]; then
		pass "$name"
	else
		fail "$name" "exit $RC (want 2)" "stderr: $ERR" "want /$pat/" "stdout: $(printf '%s' "$OUT" | head -3)"
	fi
}
done_testing() { echo "1..$n"; [ "$nfail" -eq 0 ]; }
