#!/usr/bin/env bash
# Flow reader benchmark (issue 7 item 8): events/s drained from a ring buffer by the Java RingBufferReader vs C
# libbpf's ring_buffer__consume (c/ring_drain.c through FFM), alternating rounds in one process, records of the flow
# event's size filled by a BPF producer run with BPF_PROG_TEST_RUN; plus bytes allocated per event on the Java path
# (ThreadMXBean). Prints the ratios and writes results/ring.csv, and results/ring-flow-event-view.csv for a second JVM
# whose handler decodes through the observe module's FlowEventView (benchmark,variant,metric,value,unit).
#
#   benchmarks/run-ring-bench.sh                        9 rounds x 500,000 records (well under a minute)
#   EVENTS=200000 ROUNDS=5 benchmarks/run-ring-bench.sh
#
# Needs root and gcc. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib-net-bench.sh
build_net_bench
# Two JVMs, one handler type each: a handler reading one field (the target), then observe's FlowEventView decoding.
for handler in field view; do
  out=benchmarks/results/ring.csv
  [ "$handler" = view ] && out=benchmarks/results/ring-flow-event-view.csv
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Devents="${EVENTS:-500000}" -Drounds="${ROUNDS:-9}" \
    -Dhandler="$handler" -cp "$CP" dev.ebpf4j.benchmarks.net.RingBench "$out"
done
