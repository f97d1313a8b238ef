#!/usr/bin/env bash
# demo.sh BIDRAG: the main job: recompute the seed decisions' allocation
# tables, verify the published ones, register the four seed decisions and
# the payees' accounts in a fresh register, pay seed 000, import seed 002's
# recipient register, and
# start the web application on it with demo users (BIDRAG_LISTEN, default
# 127.0.0.1:8080; BIDRAG_DEMO_NO_SERVE=1 stops before the server).
set -u
b=${1:-build/bidrag}
seeds=$(cd "$(dirname "$0")/../../shared/seeds" 2>/dev/null && pwd)
examples=$(cd "$(dirname "$0")/../examples" && pwd)
say() { printf '\n=== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }
say "Seed 000 bilaga 1: 215 000 000 kr by population 1 Nov 2019" \
	"$b" allocate --total "215 000 000" --key population@2019-11-01 --sort key
say "Seed 000 bilaga 2: 60 000 000 kr in equal shares to the six samverkansregioner" \
	"$b" allocate --total 60000000 --equal --recipients samverkansregioner
say "Seed 004: 80 000 000 kr in equal shares among the six RCC (does not divide evenly)" \
	"$b" allocate --total 80000000 --equal --recipients rcc
say "Seed 003 bilaga 1: Nära vård (explicit list) + Ambulans (500 000 kr per region, rest by population)" \
	"$b" allocate --recipients regions --component "Nära vård" --amounts "$examples/keys/nara-vard-2024.csv" \
	--total "2 420 000 000" --component Ambulans --total 46000000 --base 500000 --key population@2023-11-01
say "Seed 003 bilaga 2: 750 000 000 kr by 1/2 population + 1/2 insatser" \
	"$b" allocate --total "750 000 000 kronor" --key population@2023-11-01 --weight 1/2 --key insatser@2023 --weight 1/2
if [ -n "$seeds" ]; then
	say "Verify the published table of seed 001 (it sums to 980 000 001)" \
		"$b" verify "$seeds"/001_*.txt --total 980000000 --key population@2017-11-01
	echo "(exit status $?: 1 means the table is not consistent)"
	say "Verify the published table of seed 004" \
		"$b" verify "$seeds"/004_*.txt --total 185000000 --key population@2019-11-01
	echo "(exit status $?)"
fi
# The register: the four seed decisions, whole, in a SQLite database.
db=$(mktemp -d)/demo.db
export BIDRAG_DB="$db"
say "Create the register (a SQLite file) with the reference organisations" "$b" init
# Its people, one demo user per role (each password bidrag-demo-NAME): every
# change from the command line is a user's (--by NAME, its password from
# $BIDRAG_PASSWORD).  The first user is an admin, added by the OS account
# while the register has none; the admin adds the rest.
users="admin:admin anna:handlaggare bertil:attestant rut:revisor eva:mottagare"
for u in $users; do
	name=${u%%:*} role=${u#*:}
	if [ "$role" = mottagare ]; then org="--org 23"; else org=""; fi
	by=""
	[ "$name" = admin ] || by="--by admin"
	printf 'bidrag-demo-%s\n' "$name" | BIDRAG_PASSWORD=bidrag-demo-admin "$b" user add "$name" --role "$role" $org $by \
		>/dev/null || exit 1
done
echo "Users added: admin, anna (handläggare), bertil (attestant), rut (revisor), eva (mottagare, Region Jämtland Härjedalen)"
export BIDRAG_PASSWORD=bidrag-demo-anna # anna, the handläggare, makes the changes below
say "Register the four seed decisions from their decision files" "$b" decision import "$examples"/decisions/*.json --by anna
say "The register's decisions" "$b" decision list
say "Seed 000 as registered: parts, terms, deadlines, payees and bilaga tables" "$b" decision show S2020/09797
say "What each anslagspost carries, by decision" "$b" appropriation list --year 2024
say "Recompute every locked allocation and check its fingerprint" "$b" decision verify --all
# The payees' accounts: a file of their own (examples/payees.csv: the
# accounts seed 000 prints, fictitious ones with valid check digits for the
# rest), never the paying agency's own bankgiro.
say "Register the payees' accounts (check digits checked; a change of account later needs two persons)" \
	"$b" payee import "$examples"/payees.csv --user anna
# The ledger: seed 000 paid as decided.
dir=$(dirname "$db")
say "Register the payments of seed 000 due in the window 15 Feb - 15 Mar 2021" "$b" pay plan S2020/09797 --date 2021-02-15 --by anna
ids=$("$b" pay list --format csv | tail -n +2 | cut -d, -f1)
say "The registrar, a handläggare, cannot attest payments: an attestant does (four eyes)" "$b" pay attest $(echo "$ids" | head -1) --date 2021-02-15 --by anna
BIDRAG_PASSWORD=bidrag-demo-bertil "$b" pay attest $ids --date 2021-02-15 --by bertil >/dev/null && echo "bertil attested $(echo "$ids" | wc -l) payments"
say "Export them as an ISO 20022 pain.001 file (the default format), each to its payee's approved account" \
	"$b" pay export --batch 2021-02-16 --date 2021-02-16 --output "$dir/2021-02-16.xml" --by anna
say "SKR's requisition of 15 000 000 kr, received in time" "$b" requisition add S2020/09797 --part skr --recipient SKR \
	--amount "15 000 000" --received 2021-11-30 --signed-by "Anders Knape" --by anna
say "Status at the end of 2021" "$b" status S2020/09797 --as-of 2021-12-31
say "Deadlines as of 20 November 2021" "$b" deadlines --as-of 2021-11-20
say "Replay the books" "$b" ledger verify
# The recipient's side: Region Jämtland Härjedalen's compilation for 2020 (seed 002).
say "Import seed 002: the region's own register of grants received, 2020 and 2019, filed by eva (its user)" \
	env BIDRAG_PASSWORD=bidrag-demo-eva "$b" register import "$examples"/register/jamtland-2020.json --by eva
say "The compilation, with the 2019/2020 summary and the discrepancies in the source" \
	"$b" register report --org "Region Jämtland Härjedalen" --year 2020 --format md
"$b" register report --org 23 --year 2020 --format pdf -o "$dir/jamtland-2020.pdf"
"$b" register report --org 23 --year 2020 --format xlsx -o "$dir/jamtland-2020.xlsx"
"$b" register chart --org 23 --year 2020 --format png -o "$dir/jamtland-2020.png"
echo
echo "The pain.001 file is $dir/2021-02-16.xml; seed 002's report is $dir/jamtland-2020.pdf (.xlsx, .png)."
echo "The demo register is $db (set BIDRAG_DB to it to explore: bidrag decision show S2020/09796)."
[ -n "${BIDRAG_DEMO_NO_SERVE:-}" ] && exit 0
# The web application: the demo users added above.
listen=${BIDRAG_LISTEN:-127.0.0.1:8080}
echo
echo "=== The web application: http://$listen/"
echo "Demo logins (user / password / role):"
for u in $users; do
	name=${u%%:*} role=${u#*:}
	printf '  %-8s bidrag-demo-%-8s %s%s\n' "$name" "$name" "$role" "$([ "$role" = mottagare ] && echo ' (Region Jämtland Härjedalen)')"
done
echo "Stop the server with Ctrl-C."
exec "$b" serve --db "$db" --listen "$listen"
