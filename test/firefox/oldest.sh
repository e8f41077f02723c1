#!/usr/bin/env bash
# Prints the path of a Firefox ESR of the oldest major version the manifest claims
# (browser_specific_settings.gecko.strict_min_version): the system's firefox-esr when it is that
# version, else one unpacked from Debian's .deb into test/.firefox/ beside it.
# Fails with a message if Debian's archives no longer have that major version.
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/firefox/versions.sh
major=$(claimed_firefox_major)
system=/usr/bin/firefox-esr
if [ -x "$system" ] && [ "$(firefox_major "$system")" = "$major" ]; then echo "$system"; exit 0; fi
dir="test/.firefox/$major"
bin="$dir/usr/lib/firefox-esr/firefox-esr"
if [ -x "$bin" ]; then echo "$PWD/$bin"; exit 0; fi
candidates() { apt-cache madison firefox-esr | awk -v m="$major" '{ split($3, v, "."); if (v[1] == m) print $3 }' | sort -V | tail -n 1; }
version=$(candidates)
# Package lists not fetched yet (a fresh machine whose browsers came preinstalled): fetch them once.
if [ -z "$version" ] && [ "$(id -u)" = 0 ]; then apt-get update >/dev/null 2>&1 || true; version=$(candidates); fi
if [ -z "$version" ]; then
  echo "test/firefox/oldest.sh: the manifest claims Firefox $major, but apt offers no firefox-esr $major.x to test it (apt-cache madison firefox-esr; run apt-get update?)" >&2
  exit 1
fi
tmp=$(mktemp -d)
(cd "$tmp" && apt-get download "firefox-esr=$version" >/dev/null 2>&1) || { echo "test/firefox/oldest.sh: apt-get download firefox-esr=$version failed" >&2; exit 1; }
mkdir -p "$dir"
dpkg-deb -x "$tmp"/firefox-esr_*.deb "$dir"
rm -rf "$tmp"
echo "$PWD/$bin"
