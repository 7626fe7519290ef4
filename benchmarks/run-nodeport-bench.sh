#!/usr/bin/env bash
# NodePort benchmark (issue 14 item 4): forwarded NodePort packets/s (a UDP flood) and new connections/s (a sequential
# TCP connect + GET + close loop) from an external namespace, through the tcx NodePort programs, through them with XDP
# acceleration (native XDP on the node's veth), and through kube-proxy-shaped iptables-legacy and iptables-nft rules,
# with 10 / 1,000 / 10,000 Services, in namespaces this run creates (no route out). Also the programs' own ns/packet
# (BPF_PROG_TEST_RUN), to tell them from the veth and stack cost. Prints the ratios against their targets and writes
# results/nodeport.csv (benchmark,variant,metric,value,unit).
#
#   benchmarks/run-nodeport-bench.sh          5 rounds, each variant once per round: 2 s of UDP, 2,000 connections (~5 min)
#   SCALES=10,1000 ROUNDS=1 SECONDS_PER_ROUND=1 CONNS=300 benchmarks/run-nodeport-bench.sh   a quick look
#
# Needs root, gcc, iptables (iptables-legacy and iptables-nft). Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib-net-bench.sh
build_net_bench
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dconns="${CONNS:-2000}" -Drounds="${ROUNDS:-5}" \
  -Dseconds="${SECONDS_PER_ROUND:-2}" -Dscales="${SCALES:-10,1000,10000}" -cp "$CP" \
  dev.ebpf4j.benchmarks.net.NodePortBench "${OUT:-benchmarks/results/nodeport.csv}"
