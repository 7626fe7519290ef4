#!/usr/bin/env bash
# Release readiness in one command: runs the release-tests module, which
#   - rehearses a Maven Central release (-Prelease, throwaway GPG key, bundle built with skipUpload, checked offline),
#   - builds consumer/ against ebpf4j installed into a throwaway local repository and runs it against the kernel,
#   - checks the node agent manifests in deploy/,
#   - builds the documentation site (scripts/build-site.sh) and checks it in headless Chromium.
# Usage: scripts/release-check.sh [extra Maven arguments, e.g. -Dtest=SiteIT]
# Needs root (the consumer loads a BPF program), gpg (Debian: gnupg) and chromium (Debian: chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
select_jdk
for tool in gpg chromium; do
  command -v "$tool" >/dev/null || log "warning: $tool is not installed; the tests that need it will be skipped"
done
status=0
./mvnw -B -ntp -pl release-tests verify "$@" || status=$?
read -r tests failures errors skipped < <(cat release-tests/target/surefire-reports/TEST-*.xml 2>/dev/null \
  | grep -o '<testsuite [^>]*' | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]);
      if (kv[1] == "tests") t += kv[2]; if (kv[1] == "failures") f += kv[2];
      if (kv[1] == "errors") e += kv[2]; if (kv[1] == "skipped") s += kv[2]; } }
      END { printf "%d %d %d %d\n", t, f, e, s }')
log "Central bundle:  release-tests/target/release-rehearsal/target/central-publishing/central-bundle.zip"
log "site:            site/target/site/index.html (screenshots in site/target/screenshots/)"
log "nested logs:     release-tests/target/logs/"
echo "release checks: $((tests - failures - errors - skipped)) passed, $((failures + errors)) failed, $skipped skipped"
exit $status
