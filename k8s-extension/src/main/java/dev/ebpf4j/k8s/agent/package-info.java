/**
 * The node agent: runs the Service load balancer with its maps and links pinned on bpffs, so the datapath keeps
 * forwarding while the agent restarts, re-adopts the pins on start, and migrates or refuses pins of another layout:
 * pins of an older map layout version ({@code lb-vN}) are converted by registered per-map converters into new maps, the
 * links switched atomically and the new pins renamed into place, or refused with the map, both layouts and the
 * difference named. One agent runs per pin directory (an flock on it; a second one fails naming the holder's pid).
 * As a process it reads the DaemonSet's {@code agent.yaml} ({@code --config}, keys checked strictly, flags override)
 * and serves {@code /healthz} and {@code /readyz} (200 once the first sync is applied) on 127.0.0.1. With
 * {@code --policy} ({@code policy.enabled: true}) it also enforces NetworkPolicy through a
 * {@link dev.ebpf4j.k8s.policy.PolicyEnforcer} pinned under {@code <pin-dir>/policy-v1/}.
 *
 * {@snippet class="dev.ebpf4j.k8s.agent.PackageSnippets" region="example"}
 * Requirements: Linux 5.10+ with BTF, cgroup v2 and bpffs; CAP_BPF and CAP_NET_ADMIN (measured; no CAP_SYS_ADMIN).
 * NetworkPolicy enforcement needs tcx (Linux 6.6).
 */
package dev.ebpf4j.k8s.agent;
