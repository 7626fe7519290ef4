/**
 * Internal bindings of the Kubernetes extension for the bpftool-like CLI views and metrics: BPF object introspection
 * (program, map and link IDs and info), read-only reads of pinned maps, the programs attached to each network
 * interface (XDP, cls_bpf, tcx) and running a task in another network namespace. Not exported.
 */
package dev.ebpf4j.k8s.internal;
