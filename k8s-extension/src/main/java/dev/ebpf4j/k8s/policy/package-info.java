/**
 * NetworkPolicy enforcement: a pure Java evaluator of networking/v1 semantics, identities from label sets, and
 * the compilation of policies into the datapath's policy maps.
 *
 * <p>{@link dev.ebpf4j.k8s.policy.PolicyEvaluator} is the reference ("why was this allowed?");
 * {@link dev.ebpf4j.k8s.policy.PolicyCompiler} turns the same {@link dev.ebpf4j.k8s.policy.ClusterState} into the
 * entries of the maps of {@code policy.bpf.c} (layouts in {@link dev.ebpf4j.k8s.policy.PolicyMapLayout});
 * {@link dev.ebpf4j.k8s.policy.PolicyDatapathModel} is a labelled simulation of that program over those entries.
 * {@link dev.ebpf4j.k8s.policy.NodePolicyUpdater} keeps a node's maps current (ordered difference writes, then a
 * new revision), writing either the kernel maps ({@link dev.ebpf4j.k8s.policy.KernelPolicyMaps}) or
 * {@link dev.ebpf4j.k8s.policy.InMemoryPolicyMaps}. The program reports drops (reason {@code POLICY_DENIED}) and
 * allowed new connections to its ring buffer {@code policy_flows} in the common flow format of
 * {@code dev.ebpf4j.k8s.observe}: {@link dev.ebpf4j.k8s.policy.KernelPolicyMaps#drainEvents} decodes them as
 * {@link dev.ebpf4j.k8s.observe.Flow}s, and a {@link dev.ebpf4j.k8s.observe.DatapathObserver} can read the ring with
 * its other flows.
 *
 * {@link dev.ebpf4j.k8s.policy.PolicyEnforcer} composes it all for one node: it loads the object, follows a
 * {@link dev.ebpf4j.k8s.source.PolicySource} (fabric8 informers or a manifest directory) and attaches the programs
 * with tcx to each local pod's node-side interface, found by {@link dev.ebpf4j.k8s.policy.PodInterfaces} (by
 * default the node's host route to the pod), optionally pinning maps and links under {@code <dir>/policy-v1/}.
 *
 * {@snippet class="dev.ebpf4j.k8s.policy.PackageSnippets" region="example"}
 *
 * <p>Requirements: the evaluator and compiler are pure Java. The datapath programs need tcx (Linux 6.6) for
 * attachment, LPM tries, LRU hashes and a ring buffer (5.8), CAP_BPF and CAP_NET_ADMIN (CAP_SYS_ADMIN to work in
 * another network namespace); IPv4 and IPv6.
 */
package dev.ebpf4j.k8s.policy;
