#!/bin/sh
# setup-debian.sh [--tests]: install what bidrag needs on Debian 12, only
# what is missing.  With --tests, also what the test suite needs.
set -eu
pkgs="gcc libc6-dev pkg-config meson ninja-build libgmp-dev libxlsxwriter-dev libjansson-dev libcsv-dev zlib1g-dev libsqlite3-dev libpq-dev libsodium-dev libxml2-dev libminizip-dev libical-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core libmicrohttpd-dev libunistring-dev"
if [ "${1:-}" = "--tests" ]; then
	pkgs="$pkgs unzip sqlite3 postgresql python3 python3-jsonschema libxml2-utils poppler-utils tzdata"
	pkgs="$pkgs clang libclang-rt-dev" # the fuzz harnesses: libFuzzer, ASan, UBSan (make fuzz)
	pkgs="$pkgs gcovr" # make coverage
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ "${1:-}" = "--tests" ]; then
	# The browser tests: Debian's chromium, and node with npm for
	# playwright-core (a node from elsewhere will do, so look for commands).
	command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
	command -v node >/dev/null 2>&1 || missing="$missing nodejs"
	command -v npm >/dev/null 2>&1 || missing="$missing npm"
	command -v curl >/dev/null 2>&1 || missing="$missing curl"
fi
[ -z "$missing" ] && exit 0
echo "setup: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
