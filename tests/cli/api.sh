#!/usr/bin/env bash
# The web API over real HTTP: tests/api/test_api.py builds a fresh register,
# starts 'bidrag serve' on a free loopback port and drives every endpoint as
# each role would (permissions, CSRF, sessions, throttling, bounded bodies,
# idempotent events, four eyes, reports), validating each JSON answer against
# docs/openapi.json; it stops the server with SIGTERM and checks it exits 0.
# It prints its own TAP.
set -u
: "${BIDRAG:?the bidrag binary under test}" "${BIDRAG_SRC:?the repository}"
. "$(dirname "$0")/lib.sh"
export BIDRAG BIDRAG_SRC LC_ALL=C.UTF-8
# The register's database, on the engine under test (lib.sh).
export BIDRAG_TEST_DB=$(fresh_db api)
if ! python3 -c 'import jsonschema' 2>/dev/null; then
	echo "not ok 1 - the web API: python3-jsonschema is not installed (make check installs it)"
	echo "1..1"
	exit 0
fi
# Not exec: lib.sh's exit trap removes $WORK and the test's databases.
python3 "$BIDRAG_SRC/tests/api/test_api.py"
