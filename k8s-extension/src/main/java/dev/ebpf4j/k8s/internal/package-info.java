/**
 * Internal bindings of the Kubernetes extension: BPF object introspection (program, map and link IDs and info) for
 * the bpftool-like CLI views and metrics. Not exported.
 */
package dev.ebpf4j.k8s.internal;
