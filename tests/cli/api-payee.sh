#!/usr/bin/env bash
# Payees' accounts through the web API over real HTTP:
# tests/api/test_payee_api.py builds a register, starts 'bidrag serve' and
# imports files of payees (CSV and .xlsx, bad ones refused with the row and
# column, nothing imported), proposes changes of account with the evidence,
# approves them as another person (never the proposer) and rejects them,
# each route refused to the roles that may not, every JSON answer validated
# against docs/openapi.json.  It prints its own TAP.
set -u
: "${BIDRAG:?the bidrag binary under test}" "${BIDRAG_SRC:?the repository}"
. "$(dirname "$0")/lib.sh"
export BIDRAG BIDRAG_SRC LC_ALL=C.UTF-8
# The register's database, on the engine under test (lib.sh).
export BIDRAG_TEST_DB=$(fresh_db api-payee)
if ! python3 -c 'import jsonschema' 2>/dev/null; then
	echo "not ok 1 - the payee API: python3-jsonschema is not installed (make check installs it)"
	echo "1..1"
	exit 0
fi
# Not exec: lib.sh's exit trap removes $WORK and the test's databases.
python3 "$BIDRAG_SRC/tests/api/test_payee_api.py"
