/**
 * Conntrack entries that age out by time, as Cilium's do: the {@link dev.ebpf4j.k8s.conntrack.ConntrackTimeouts}
 * the NodePort and policy datapaths are loaded with (closing TCP 10 s, SYN-only TCP 60 s, established TCP 6 h,
 * other protocols 60 s by default), and {@link dev.ebpf4j.k8s.conntrack.ConntrackGc}, the agent's sweep that frees
 * what the datapath already treats as absent.
 *
 * {@snippet class="dev.ebpf4j.k8s.conntrack.PackageSnippets" region="gc"}
 *
 * <p>The datapath is correct without the sweep: an entry older than its lifetime is treated as absent, so its
 * packet starts a new flow (new backend choice, new policy decision). The sweep only frees the space, so that the
 * LRU maps never evict live flows to make room for dead ones.
 *
 * <p>Requirements: the timeouts need nothing; the sweep needs the loaded objects, batch map operations (5.6+;
 * element by element before) and CAP_BPF.
 */
package dev.ebpf4j.k8s.conntrack;
