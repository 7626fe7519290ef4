#!/usr/bin/env bash
# Maps benchmarks: builds and runs the C libbpf baseline (c/map_bench.c, before and after the Java run) and the JMH
# benchmarks (with the GC profiler) and PairedBenchmark (Java and C loops alternating in one process), then prints the target ratios and writes results/maps-bench.json and .csv.
#
#   benchmarks/run-maps-bench.sh                 short run (2 shared cores: a few minutes)
#   WI=5 I=10 R=2s benchmarks/run-maps-bench.sh  longer, steadier run
#   benchmarks/run-maps-bench.sh MapBenchmark.hashLookup   only matching JMH benchmarks
#
# Needs root (map creation), gcc, python3. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. scripts/lib.sh
select_jdk
OUT=benchmarks/results
mkdir -p "$OUT"

./mvnw -B -q -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt

LIB=core/target/libbpf/native/linux-x86_64
gcc -O2 -Wall -Wextra -o benchmarks/target/map_bench benchmarks/c/map_bench.c "$LIB/libbpf.so.1" -Wl,-rpath,"$ROOT/$LIB"

gcc -O2 -Wall -Wextra -shared -fPIC -DMAP_BENCH_LIB -o benchmarks/target/libmapbench.so benchmarks/c/map_bench.c \
  "$LIB/libbpf.so.1" -Wl,-rpath,"$ROOT/$LIB"
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"

echo "== Java vs C, alternating rounds in one process"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.ebpf4j.benchmarks.PairedBenchmark \
  benchmarks/target/libmapbench.so "$OUT/paired.jsonl"

echo "== C baseline (libbpf $(sed -n 's/^libbpf.version=//p' "$LIB/libbpf.properties" 2>/dev/null || echo bundled))"
benchmarks/target/map_bench | tee "$OUT/c-baseline.jsonl"

echo "== JMH"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" org.openjdk.jmh.Main \
  -f 1 -wi "${WI:-3}" -w "${W:-1s}" -i "${I:-5}" -r "${R:-1s}" -prof gc -rf json -rff "$OUT/jmh.json" \
  "${@:-dev.ebpf4j.benchmarks}"

echo "== C baseline again (machine noise shows up as a difference between the two C runs)"
benchmarks/target/map_bench | tee -a "$OUT/c-baseline.jsonl"

python3 benchmarks/summarize.py "$OUT"
