#!/usr/bin/env bash
# Filing a recipient's register over real HTTP as the browser's editor does:
# tests/api/test_register_api.py prefills a year from the ledger, files the
# recipient's breakdown and usage as a new version, and checks that every
# refusal answers 400 with the path of the refused field ("field") and
# stores nothing.  It prints its own TAP.
set -u
: "${BIDRAG:?the bidrag binary under test}" "${BIDRAG_SRC:?the repository}"
. "$(dirname "$0")/lib.sh"
export BIDRAG BIDRAG_SRC LC_ALL=C.UTF-8
export BIDRAG_TEST_DB=$(fresh_db api-register)
if ! python3 -c 'import jsonschema' 2>/dev/null; then
	echo "not ok 1 - the register API: python3-jsonschema is not installed (make check installs it)"
	echo "1..1"
	exit 0
fi
python3 "$BIDRAG_SRC/tests/api/test_register_api.py"
