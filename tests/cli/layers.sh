# layers.sh: the layers of src/ include only downwards (docs/architecture.md).
# .ci/check-layers passes on the tree and fails on a planted back edge, and
# the compiler itself refuses a back edge with core's include path.
. "$TESTS/cli/lib.sh"
src=$BIDRAG_SRC

if out=$(python3 "$src/.ci/check-layers" "$src" 2>&1); then pass "check-layers: no back edge in the tree"
else fail "check-layers: no back edge in the tree" "$out"; fi

# A copy of the tree with one forbidden include in core, and one path include.
mkdir -p "$WORK/tree"
cp -r "$src/src" "$WORK/tree/src"
cp -r "$src/.ci" "$WORK/tree/.ci"
sed -i '0,/#include "money.h"/s//#include "money.h"\n#include "keyfile.h"/' "$WORK/tree/src/core/money.c"
out=$(python3 "$WORK/tree/.ci/check-layers" "$WORK/tree" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'src/core/money.c:[0-9]*: #include "keyfile.h": layer core may not include io'; then
	pass "check-layers: core including io is named, with file and line"
else fail "check-layers: core including io is named, with file and line" "rc $rc" "$out"; fi
cp "$src/src/core/money.c" "$WORK/tree/src/core/money.c"
sed -i '0,/#include "decision.h"/s//#include "decision.h"\n#include "..\/store\/store.h"/' "$WORK/tree/src/io/annex.h"
out=$(python3 "$WORK/tree/.ci/check-layers" "$WORK/tree" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'annex.h:[0-9]*: #include "../store/store.h": name a header by its bare name'; then
	pass "check-layers: a relative path around the include path is refused"
else fail "check-layers: a relative path around the include path is refused" "rc $rc" "$out"; fi

# The compiler, with the include path meson gives core's library.
build=$(dirname "$BIDRAG")
cc_cmd=$(python3 - "$build/compile_commands.json" <<'PY'
import json, sys, shlex
for c in json.load(open(sys.argv[1])):
    if c['file'].endswith('src/core/money.c'):
        args = shlex.split(c['command'])
        keep = [a for a in args[1:] if a.startswith(('-I', '-D', '-std'))]
        print(c['directory']); print(' '.join(shlex.quote(a) for a in keep)); break
PY
)
dir=$(printf '%s\n' "$cc_cmd" | sed -n 1p); flags=$(printf '%s\n' "$cc_cmd" | sed -n 2p)
printf '#include "money.h"\n#include "keyfile.h"\n' >"$WORK/backedge.c"
out=$(cd "$dir" && eval "cc -fsyntax-only $flags \"$WORK/backedge.c\"" 2>&1); rc=$?
if [ -n "$dir" ] && [ $rc -ne 0 ] && printf '%s' "$out" | grep -q 'keyfile.h: No such file'; then
	pass "the compiler refuses core including io (keyfile.h not on core's include path)"
else fail "the compiler refuses core including io (keyfile.h not on core's include path)" "rc $rc" "$out"; fi
printf '#include "money.h"\nint f(void);\nint f(void) { return 0; }\n' >"$WORK/ok.c"
out=$(cd "$dir" && eval "cc -fsyntax-only $flags \"$WORK/ok.c\"" 2>&1); rc=$?
if [ $rc -eq 0 ]; then pass "the same include path builds core's own headers"
else fail "the same include path builds core's own headers" "$out"; fi
done_testing
