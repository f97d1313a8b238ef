#!/usr/bin/env bash
# The recipient's overview and calendar feed over real HTTP:
# tests/api/test_recipient_api.py builds a register with payments executed
# and a repayment claim, starts 'bidrag serve' and checks GET
# /api/recipient/overview (grants, deadlines, reminders, claims with OCR,
# payments received) and the personal calendar feed (made, read without a
# session and parsed back, replaced, revoked), with every refusal.  It
# prints its own TAP.
set -u
: "${BIDRAG:?the bidrag binary under test}" "${BIDRAG_SRC:?the repository}"
. "$(dirname "$0")/lib.sh"
export BIDRAG BIDRAG_SRC LC_ALL=C.UTF-8
export BIDRAG_TEST_DB=$(fresh_db api-recipient)
if ! python3 -c 'import jsonschema' 2>/dev/null; then
	echo "not ok 1 - the recipient API: python3-jsonschema is not installed (make check installs it)"
	echo "1..1"
	exit 0
fi
python3 "$BIDRAG_SRC/tests/api/test_recipient_api.py"
