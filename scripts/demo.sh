#!/usr/bin/env bash
# demo.sh BIDRAG: the main job until the web application exists: recompute
# the seed decisions' allocation tables, verify the published ones, and
# register the four seed decisions in a fresh register.
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
say "Register the four seed decisions from their decision files" "$b" decision import "$examples"/decisions/*.json
say "The register's decisions" "$b" decision list
say "Seed 000 as registered: parts, terms, deadlines, payees and bilaga tables" "$b" decision show S2020/09797
say "What each anslagspost carries, by decision" "$b" appropriation list --year 2024
say "Recompute every locked allocation and check its fingerprint" "$b" decision verify --all
echo
echo "The demo register is $db (set BIDRAG_DB to it to explore: bidrag decision show S2020/09796)."
exit 0
