#!/usr/bin/env bash
# NetworkPolicy verdict cost (issue 6 item 5): per-packet verdict cost of the policy program through
# BPF_PROG_TEST_RUN with 10 / 1,000 / 10,000 rules, beside the same allow-list as iptables filter chains (legacy and
# nft) in the FORWARD chain of a router namespace under a real UDP flood, and the tcx program under the same flood,
# all in one run in namespaces it creates (no route out); the tcx rounds interleave 10 / 1,000 / 10,000 rules.
# Prints ratios and writes results/policy.csv. Then the seed-scale control plane (SeedBench, issue 15): 10,000 pods,
# 1,000 NetworkPolicies, 2,000 Services x 5 endpoints; full syncs, pod-label and policy-edit latency, heap and RSS,
# iptables rule counts and restore times; writes results/policy-seed.csv.
#
#   benchmarks/run-policy-bench.sh                       3 rounds x 2 s per flood variant (about 4 minutes)
#   ROUNDS=5 SECONDS_PER_ROUND=3 benchmarks/run-policy-bench.sh
#   PART=seed benchmarks/run-policy-bench.sh             only the seed-scale part (PART=verdict: only the first)
#
# Needs root, gcc, iptables-legacy and iptables-nft. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib-net-bench.sh
build_net_bench
if [[ ${PART:-all} != seed ]]; then
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Drounds="${ROUNDS:-3}" -Dseconds="${SECONDS_PER_ROUND:-2}" -cp "$CP" \
    dev.ebpf4j.benchmarks.net.PolicyBench benchmarks/results/policy.csv
fi
if [[ ${PART:-all} != verdict ]]; then
  # A heap no larger than a DaemonSet would give the agent, so that the RSS figure means something.
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx256m -cp "$CP" \
    dev.ebpf4j.benchmarks.net.SeedBench benchmarks/results/policy-seed.csv
fi
