#!/usr/bin/env bash
# Cluster benchmark (issue 13): on a three-node namespace cluster (testkit TestCluster), cross-node ClusterIP vs the
# backend's pod IP from a pod on node-1, and NodePort on node-1 from the external client to a backend on node-2 with
# ebpf4j SNAT, ebpf4j DSR and kube-proxy-shaped iptables-legacy rules. Variants alternate within each round; medians
# over rounds; ratios against baselines measured in the same run. Writes results/cluster.csv.
#
#   benchmarks/run-cluster-bench.sh                      5 rounds x 5,000 connections per variant (a few minutes)
#   CONNS=1000 ROUNDS=3 benchmarks/run-cluster-bench.sh  a quick look
#
# Needs root, gcc, iptables-legacy, cgroup v2, kernel 6.6+ (tcx). Everything runs in namespaces this run creates
# (no route out), removed on exit; the trap below removes them if the JVM dies before it can. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib-net-bench.sh
cleanup() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '/^e4jcb/ {print $1}'); do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
build_net_bench
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dconns="${CONNS:-5000}" -Drounds="${ROUNDS:-5}" -cp "$CP" \
  dev.ebpf4j.benchmarks.net.ClusterBench benchmarks/results/cluster.csv
