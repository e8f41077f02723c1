# Sourced by test/run.sh and test/firefox/oldest.sh (from the repository root): the Firefox major
# version the manifest claims (browser_specific_settings.gecko.strict_min_version), and a build's own.
claimed_firefox_major() { node -p "require('./manifest.json').browser_specific_settings.gecko.strict_min_version.split('.')[0]"; }
firefox_major() { "$1" --version | grep -o '[0-9]*' | head -n 1; }
