#!/usr/bin/env bash
# `npm test`: typecheck, build, unit tests, browser tests (Debian's Chromium and Firefox ESR, never downloaded ones).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test/run.sh: installing ${need[*]} with apt-get"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
  else
    echo "test/run.sh: missing ${need[*]}. Install Debian's packages first, e.g." >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
    echo "(browser tests use /usr/bin/chromium; do not run 'npx playwright install')" >&2
    exit 1
  fi
fi

# The system's Firefox ESR must be at least the version the manifest claims: Debian's main archive
# alone installs an older ESR than its security archive does.
. test/firefox/versions.sh
min=$(claimed_firefox_major)
if [ "$(firefox_major /usr/bin/firefox-esr)" -lt "$min" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test/run.sh: $(/usr/bin/firefox-esr --version) is older than the manifest's Firefox $min; updating it with apt-get"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends firefox-esr
  else
    echo "test/run.sh: $(/usr/bin/firefox-esr --version) is older than the manifest's Firefox $min: sudo apt-get update && sudo apt-get install firefox-esr" >&2
    exit 1
  fi
fi

npm run typecheck
npm run build
# Both runners always run; each writes a JSON report for the closing summary line.
rm -rf test/reports && mkdir -p test/reports
status=0
npm run test:unit -- --reporter=default --reporter=json --outputFile.json=test/reports/unit.json || status=1
PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/test/reports/browser.json" npm run test:browser -- --reporter=list,json || status=1
# Firefox: the ESR apt installs (the newest), then the oldest the manifest claims (test/firefox/oldest.sh) when that is another one.
npm run test:firefox -- --reporter=default --reporter=json --outputFile.json=test/reports/firefox.json || status=1
if ! oldest=$(test/firefox/oldest.sh); then
  status=1
elif [ "$oldest" = /usr/bin/firefox-esr ]; then
  echo "test/run.sh: the system's $(/usr/bin/firefox-esr --version) is the oldest the manifest claims: the Firefox suite ran on it"
  oldest=
else
  GVF_FIREFOX="$oldest" npm run test:firefox -- --reporter=default --reporter=json --outputFile.json=test/reports/firefox-oldest.json || status=1
fi
GVF_FIREFOX_OLDEST="${oldest:-}" node test/summary.mjs
exit $status
