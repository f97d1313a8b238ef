#!/usr/bin/env bash
# bidrag signatory and bidrag submissions (docs/portal.md): the agency keeps
# who may sign for an organisation from the command line (a PDF as evidence,
# refused otherwise; only a mottagare of the organisation; revoked, never
# deleted) and lists and reviews what recipients submitted; the filing and
# signing itself is the web's (tests/api/test_portal_api.py).
set -u
: "${BIDRAG:?the bidrag binary under test}"
. "$(dirname "$0")/lib.sh"
export BIDRAG_DB=$(fresh_db portal) LC_ALL=C.UTF-8
unset BIDRAG_USER
PW=test-password-1234
export BIDRAG_PASSWORD=$PW
"$BIDRAG" init >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add root --role admin >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add anna --role handlaggare --by root >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add eva --role mottagare --org 23 --by root >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add olle --role mottagare --org 01 --by root >/dev/null
printf '%%PDF-1.4\n%% firmateckning\n%%%%EOF\n' >"$WORK/firma.pdf"
printf 'not a pdf\n' >"$WORK/firma.txt"
sha=$(sha256sum "$WORK/firma.pdf" | cut -c1-16)

run signatory add 23 eva --kind firmatecknare --from 2020-01-01 --evidence "$WORK/firma.pdf" --by anna
expect_rc "signatory add: eva may sign for 23" 0
expect_out "it says who, for whom, as what" "^signatory 1: eva may sign for 23 as firmatecknare from 2020-01-01$"
run signatory add 23 eva --kind ombud --from 2020-01-01 --to 2021-12-31 --evidence "$WORK/firma.pdf" --by anna
expect_rc "an ombud with a last day" 0
expect_error "a user of another organisation is refused" "'olle' is a mottagare of 01, not a mottagare of 23.*nothing was added" \
	signatory add 23 olle --kind firmatecknare --from 2020-01-01 --evidence "$WORK/firma.pdf" --by anna
expect_error "a handläggare is no representative" "'anna' is a handlaggare, not a mottagare of 23" \
	signatory add 23 anna --kind firmatecknare --from 2020-01-01 --evidence "$WORK/firma.pdf" --by anna
expect_error "evidence that is no PDF is refused" "evidence 'firma.txt': not a PDF" \
	signatory add 23 eva --kind firmatecknare --from 2020-01-01 --evidence "$WORK/firma.txt" --by anna
expect_error "a kind other than firmatecknare or ombud" "kind: 'vd' \(expected firmatecknare or ombud\)" \
	signatory add 23 eva --kind vd --from 2020-01-01 --evidence "$WORK/firma.pdf" --by anna
expect_error "a last day before the first" "valid_to: 2019-01-01 is before valid_from 2020-01-01" \
	signatory add 23 eva --kind ombud --from 2020-01-01 --to 2019-01-01 --evidence "$WORK/firma.pdf" --by anna
expect_error "an organisation not in the register" "no organisation 'XX'" \
	signatory add XX eva --kind ombud --from 2020-01-01 --evidence "$WORK/firma.pdf" --by anna
expect_error "add without --as, by an OS account that is no user, is refused" \
	"who makes this change\? Name a bidrag user with --as USER.*nothing was changed" \
	signatory add 23 eva --kind ombud --from 2020-01-01 --evidence "$WORK/firma.pdf"
expect_error "add by a mottagare is refused" "signatory add is done by a handläggare; eva is mottagare; nothing was changed" \
	signatory add 23 eva --kind ombud --from 2020-01-01 --evidence "$WORK/firma.pdf" --as eva
BIDRAG_PASSWORD=wrong-password-1 expect_error "add with a wrong password is refused" \
	"--as anna: wrong user name or password.*nothing was changed" \
	signatory add 23 eva --kind ombud --from 2020-01-01 --evidence "$WORK/firma.pdf" --as anna
run signatory list 23
expect_out "the list: the firmatecknare holds today, with the evidence's digest" "^1 +23 +eva +firmatecknare +2020-01-01 .* gäller +firma.pdf \(SHA-256 $sha"
expect_out "the ombud's authority ended 2021-12-31" "^2 +23 +eva +ombud +2020-01-01 – 2021-12-31 gäller ej"
run signatory revoke 1 --by anna
expect_out "revoked" "^signatory 1 revoked$"
expect_error "revoked twice" "no signatory 1 that is not revoked already" signatory revoke 1 --by anna
run signatory list 23 --format json
expect_out "revoked, not deleted (json)" '"revoked_on": "[0-9]{4}-[0-9]{2}-[0-9]{2}"'
run audit list
expect_out "the audit log has the representative added, by anna" "anna, handläggare +Behörig företrädare registrerad +Behörig företrädare nr 1$"
expect_out "... and revoked" "anna, handläggare +Behörig företrädares behörighet återkallad +Behörig företrädare nr 1$"
run submissions list
expect_rc "submissions list of an empty register" 0
expect_error "accept of no submission" "no submission 5" submissions accept 5 --by anna
expect_error "return needs --note" "submissions return needs --note" submissions return 5 --by anna
expect_error "an unknown state" "--state: 'sent'" submissions list --state sent
expect_error "a review by a mottagare is refused" "submissions accept is done by a handläggare; eva is mottagare" \
	submissions accept 5 --as eva
"$BIDRAG" user map anna --os-account "$(id -un)" --by root >/dev/null
expect_error "the OS account mapped to anna reviews without --as" "no submission 5" submissions accept 5
done_testing
