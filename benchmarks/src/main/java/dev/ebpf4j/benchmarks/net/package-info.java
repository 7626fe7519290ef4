/**
 * Head-to-head network benchmarks, each run by its script and measured against its baseline in the same run:
 * {@link dev.ebpf4j.benchmarks.net.LbBench} (the k8s-lb socket LB vs kube-proxy-shaped iptables and direct pod IPs),
 * {@link dev.ebpf4j.benchmarks.net.PolicyBench} (the k8s-policy verdict vs iptables filter chains) and
 * {@link dev.ebpf4j.benchmarks.net.RingBench} (the Java ring buffer reader vs C libbpf).
 *
 * <pre>
 * benchmarks/run-lb-bench.sh       # writes benchmarks/results/lb.csv
 * benchmarks/run-policy-bench.sh   # writes benchmarks/results/policy.csv
 * benchmarks/run-ring-bench.sh     # writes benchmarks/results/ring.csv
 * </pre>
 *
 * <p>Requirements: root (namespaces, cgroups, BPF, iptables), gcc, iptables-legacy and iptables-nft, Linux 6.6+
 * (tcx). All traffic stays inside namespaces the benchmark creates, which have no route out; they are deleted on
 * exit, failures included. Not part of the test suite.
 */
package dev.ebpf4j.benchmarks.net;
