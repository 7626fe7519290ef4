/**
 * NetworkPolicy enforcement: a pure Java evaluator of networking/v1 semantics, identities from label sets, and
 * the compilation of policies into the datapath's policy maps.
 */
package dev.ebpf4j.k8s.policy;
