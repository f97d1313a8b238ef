#!/usr/bin/env bash
# The recipient's filing through the web API over real HTTP:
# tests/api/test_portal_api.py builds a register, starts 'bidrag serve',
# keeps authorised representatives, drafts, signs and submits a
# requisition, a financial report and an activity report, and reviews them,
# with every refusal (another organisation, unsigned, expired authority, no
# representative, wrong password, a part without requisition or past its
# deadline) and a late report accepted and marked late.  It prints its own TAP.
set -u
: "${BIDRAG:?the bidrag binary under test}" "${BIDRAG_SRC:?the repository}"
. "$(dirname "$0")/lib.sh"
export BIDRAG BIDRAG_SRC LC_ALL=C.UTF-8
# The register's database, on the engine under test (lib.sh).
export BIDRAG_TEST_DB=$(fresh_db api-portal)
# Not exec: lib.sh's exit trap removes $WORK and the test's databases.
python3 "$BIDRAG_SRC/tests/api/test_portal_api.py"
