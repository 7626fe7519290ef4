/**
 * Benchmarks of the maps module against a C libbpf baseline; run them with {@code benchmarks/run-maps-bench.sh}.
 *
 * <pre>
 * benchmarks/run-maps-bench.sh                          # C baseline, PairedBenchmark, JMH with -prof gc, summary
 * WI=5 I=10 benchmarks/run-maps-bench.sh MapBenchmark   # longer JMH runs of the map benchmarks only
 * </pre>
 *
 * <p>Requirements: root (map creation), gcc, python3; not part of the test suite and not published.
 */
package dev.ebpf4j.benchmarks;
