#!/usr/bin/env bash
# The whole test suite: unit tests, kernel tests on this host, and the guest-kernel matrix (qemu), then a summary.
# Called by './dev test' after machine setup and JDK selection. Extra arguments go to Maven.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

start=$(date +%s)
# 'guest' tests need kprobes/fentry, which this host lacks: the kernel-matrix module runs them in qemu guests.
# -Pimage: k8s-extension also builds the node agent's image tar at package, and AgentContainerIT runs it in podman
# (installed by ./dev setup) as deploy/daemonset.yaml would; a missing podman fails that test rather than skipping it.
./mvnw -B -ntp -Pimage verify "$@"
status=$?

# One closing line over every module's Surefire reports.
read -r tests failures errors skipped < <(find . -path '*/target/surefire-reports/TEST-*.xml' -print0 \
  | xargs -0 -r grep -h -o '<testsuite [^>]*' \
  | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]);
           if (kv[1] == "tests") t += kv[2]; if (kv[1] == "failures") f += kv[2];
           if (kv[1] == "errors") e += kv[2]; if (kv[1] == "skipped") s += kv[2]; } }
         END { printf "%d %d %d %d\n", t, f, e, s }')
passed=$((tests - failures - errors - skipped))
log "suite took $(( $(date +%s) - start )) s"

# Leftovers are bugs: tests must clean up namespaces, pins and programs even on failure.
leftover=$(ip netns list 2>/dev/null | grep -c '^e4j' || true)
if [ "${leftover:-0}" -gt 0 ]; then
  log "FAIL: $leftover test network namespace(s) left behind: $(ip netns list | grep '^e4j' | tr '\n' ' ')"
  status=1
fi
echo "tests: $passed passed, $((failures + errors)) failed, $skipped skipped"
exit $status
