/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * loadBalancerSourceRanges: the clients allowed to reach a load-balancer IP frontend. One LPM trie holds, per
 * restricted frontend, a marker entry (the prefix covers the frontend only) and an entry per allowed range (the prefix
 * covers the frontend and the range's bits of the client address). The longest match of (frontend, client) is the
 * range when the client is in one, else the marker: so one lookup answers allowed, denied, or not restricted at all.
 * The control plane writes the ranges before the marker and removes the marker first, so a frontend is never denied
 * a client both its old and new ranges allow.
 */
#ifndef EBPF4J_LB_SRC_RANGES_H
#define EBPF4J_LB_SRC_RANGES_H

#include "lb_common.h"

/* lb_src_ranges key (4 + 36 bytes): the frontend's fields as in struct lb_svc_key, then the client address. */
struct lb_src_range_key {
	__u32 prefixlen;
	struct lb_addr addr;
	__be16 port;
	__u8 proto;
	__u8 family;
	struct lb_addr client;
};

#define LB_SRC_FRONTEND_BITS 160 /* struct lb_svc_key */
#define LB_SRC_RESTRICTED 1      /* marker: the frontend has source ranges */
#define LB_SRC_ALLOWED 2         /* a range */

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, struct lb_src_range_key);
	__type(value, __u8);
} lb_src_ranges SEC(".maps");

/* Whether client may open a flow to frontend. */
static __always_inline bool lb_source_allowed(const struct lb_svc_key *frontend, const struct lb_addr *client)
{
	struct lb_src_range_key k = {.prefixlen = LB_SRC_FRONTEND_BITS + 128};
	__u8 *v;

	k.addr = frontend->addr;
	k.port = frontend->port;
	k.proto = frontend->proto;
	k.family = frontend->family;
	k.client = *client;
	v = bpf_map_lookup_elem(&lb_src_ranges, &k);
	return !v || *v == LB_SRC_ALLOWED;
}

#endif
