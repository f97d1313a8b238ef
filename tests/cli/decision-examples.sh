#!/usr/bin/env bash
# The seed decision files: valid against the JSON Schema and faithful to the
# seed documents (every amount, date, name and sum cross-checked).
exec python3 "$(dirname "$0")/check-decision-examples.py"
