// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ebpf4j Service load balancer, one object for both datapaths so that they share one set of service, slot,
 * Maglev, backend and affinity maps: the cgroup socket hooks for ClusterIP traffic (lb_sock.h) and the tcx
 * programs for NodePort / external / load-balancer IPs (lb_nodeport.h) with their optional XDP acceleration
 * (lb_nodeport_xdp.h). Load only what you attach by turning
 * autoload off for the other programs. Translations and refusals are reported to the ring buffer lb_events in the
 * common flow format (lb_events.h; .rodata lb_flow_events = false turns reporting off). NodePort conntrack entries
 * age out by time (ct_age.h, lifetimes in .rodata lb_ct_*_ns). Maglev reads its table at a mixed hash of the flow
 * identity (lb_common.h lb_mix64). From the node and its pods, a NodePort on a node address (or on loopback, in the
 * node's own namespace) is load-balanced at the socket too (lb_node_addrs).
 */
#include "lb_common.h"
#include "lb_sock.h"
#include "lb_nodeport.h"
#include "lb_nodeport_xdp.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
