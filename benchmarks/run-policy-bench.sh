#!/usr/bin/env bash
# NetworkPolicy verdict cost (issue 6 item 5): per-packet verdict cost of the policy program through
# BPF_PROG_TEST_RUN with 10 / 1,000 / 10,000 rules, beside the same allow-list as iptables filter chains (legacy and
# nft) in the FORWARD chain of a router namespace under a real UDP flood, and the tcx program under the same flood,
# all in one run in namespaces it creates (no route out). Prints ratios and writes results/policy.csv.
#
#   benchmarks/run-policy-bench.sh                       3 rounds x 2 s per flood variant (about 2 minutes)
#   ROUNDS=5 SECONDS_PER_ROUND=3 benchmarks/run-policy-bench.sh
#
# Needs root, gcc, iptables-legacy and iptables-nft. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib-net-bench.sh
build_net_bench
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Drounds="${ROUNDS:-3}" -Dseconds="${SECONDS_PER_ROUND:-2}" -cp "$CP" \
  dev.ebpf4j.benchmarks.net.PolicyBench benchmarks/results/policy.csv
