/**
 * NetworkPolicy enforcement: a pure Java evaluator of networking/v1 semantics, identities from label sets, and
 * the compilation of policies into the datapath's policy maps.
 *
 * <p>{@link dev.ebpf4j.k8s.policy.PolicyEvaluator} is the reference ("why was this allowed?");
 * {@link dev.ebpf4j.k8s.policy.PolicyCompiler} turns the same {@link dev.ebpf4j.k8s.policy.ClusterState} into the
 * entries of the maps of {@code policy.bpf.c} (layouts in {@link dev.ebpf4j.k8s.policy.PolicyMapLayout});
 * {@link dev.ebpf4j.k8s.policy.PolicyDatapathModel} is a labelled simulation of that program over those entries.
 *
 * {@snippet :
 * ClusterState state = new ClusterState(namespaces, pods, policies, Map.of("node-1", List.of(nodeIp)));
 * Verdict v = new PolicyEvaluator(state).evaluate(new Probe(clientIp, serverIp, 80, L4Protocol.TCP));
 * System.out.println(v);   // ALLOW (egress: not isolated; ingress: allowed by prod/api ingress[0])
 *
 * CompiledPolicy maps = new PolicyCompiler().compile(state, "node-1");
 * boolean same = new PolicyDatapathModel(List.of(maps)).decide(probe).allowed() == v.allowed();
 * }
 *
 * <p>Requirements: the evaluator and compiler are pure Java. The datapath programs need tcx (Linux 6.6) for
 * attachment, LPM tries, LRU hashes and a ring buffer (5.8), CAP_BPF and CAP_NET_ADMIN; the datapath is IPv4 only.
 */
package dev.ebpf4j.k8s.policy;
