/**
 * Kube-proxy-less Service load balancing: desired datapath state from Services and EndpointSlices, Maglev and
 * random backend selection, and ordered, batched map updates.
 */
package dev.ebpf4j.k8s.lb;
