#!/usr/bin/env bash
# Service LB benchmark (issue 5 item 5): ebpf4j socket LB vs kube-proxy-shaped iptables (legacy and nft) vs direct
# pod IP, with 10 / 1,000 / 10,000 Services, in namespaces this run creates (no route out), plus full-sync and
# one-endpoint-update costs against a batched C libbpf fill and iptables-restore. Prints a table with the target
# ratios and writes results/lb.csv (benchmark,variant,metric,value,unit).
#
#   benchmarks/run-lb-bench.sh                      5 rounds x 5,000 connections per variant (about 5-10 minutes)
#   CONNS=1000 ROUNDS=3 benchmarks/run-lb-bench.sh  a quick look
#
# Needs root, gcc, iptables (iptables-legacy and iptables-nft), python3 not required. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib-net-bench.sh
build_net_bench
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dconns="${CONNS:-5000}" -Drounds="${ROUNDS:-5}" -cp "$CP" \
  dev.ebpf4j.benchmarks.net.LbBench benchmarks/results/lb.csv
