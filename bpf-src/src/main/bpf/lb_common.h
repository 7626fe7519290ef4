/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ebpf4j Service load balancer: map layouts shared by the socket-level (lb_sock.bpf.c) and the TC
 * (lb_nodeport.bpf.c) datapaths, and the backend selection both use. The Java control plane
 * (dev.ebpf4j.k8s.lb.KernelLbDatapath) writes these maps; every layout here has a codec there.
 *
 * Consistency protocol: a service entry names the revision of its slot and Maglev tables. The control plane
 * writes a complete new revision, then flips the entry (one atomic map update), then deletes the old
 * revision; backends are written before any slot names them and deleted after no slot does. So a program
 * that read an entry finds every slot and backend it refers to, except during the short window in which an
 * old revision is being deleted under a reader that loaded the old entry: such a reader treats a missing
 * slot or backend like "no backend" and the connection is retried by the client.
 */
#ifndef EBPF4J_LB_COMMON_H
#define EBPF4J_LB_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>

#define LB_AF_INET 2
#define LB_AF_INET6 10

#define LB_F_LOCAL 1    /* slots hold only this node's endpoints (traffic policy Local) */
#define LB_F_MAGLEV 2   /* choose through the Maglev table */
#define LB_F_AFFINITY 4 /* ClientIP session affinity */

#define LB_BACKEND_ACTIVE 0
#define LB_BACKEND_TERMINATING 1

/* An IPv4 or IPv6 address in network byte order; IPv4 uses w[0] and leaves the rest zero. */
struct lb_addr {
	__u32 w[4];
};

/* lb_services key (20 bytes): a frontend. Node ports use the all-zero address of their family. */
struct lb_svc_key {
	struct lb_addr addr;
	__be16 port;
	__u8 proto;  /* IPPROTO_TCP / IPPROTO_UDP / IPPROTO_SCTP */
	__u8 family; /* LB_AF_INET / LB_AF_INET6 */
};

/* lb_services value (24 bytes). count == 0: refuse new connections at once. */
struct lb_svc {
	__u32 id;
	__u32 rev;
	__u32 count;            /* active slots 0..count-1 in lb_slots under (id, rev) */
	__u32 maglev_size;      /* entries 0..maglev_size-1 in lb_maglev under (id, rev) */
	__u32 affinity_timeout; /* seconds, 0 = no affinity */
	__u32 flags;            /* LB_F_* */
};

/* lb_slots and lb_maglev key (12 bytes); the value is a backend id (__u32). */
struct lb_slot_key {
	__u32 svc_id;
	__u32 rev;
	__u32 index;
};

/* lb_backends value (24 bytes), keyed by backend id (__u32, never 0). */
struct lb_backend {
	struct lb_addr addr;
	__be16 port;
	__u8 proto;
	__u8 family;
	__u8 state; /* LB_BACKEND_* */
	__u8 pad[3];
};

/* lb_affinity key (32 bytes): socket path uses the client's netns cookie, TC path the client address. */
struct lb_affinity_key {
	__u64 netns_cookie;
	struct lb_addr client;
	__u32 svc_id;
	__u32 pad;
};

/* lb_affinity value (16 bytes). */
struct lb_affinity {
	__u64 last_used_ns;
	__u32 backend_id;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct lb_svc_key);
	__type(value, struct lb_svc);
} lb_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 262144);
	__type(key, struct lb_slot_key);
	__type(value, __u32);
} lb_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1048576);
	__type(key, struct lb_slot_key);
	__type(value, __u32);
} lb_maglev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 262144);
	__type(key, __u32);
	__type(value, struct lb_backend);
} lb_backends SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct lb_affinity_key);
	__type(value, struct lb_affinity);
} lb_affinity SEC(".maps");

/*
 * A compiler barrier after copying a map value: without it clang may drop the stack copy and read the fields
 * through the map pointer later, which sees a replaced element being recycled for another key.
 */
#define lb_barrier() asm volatile("" ::: "memory")

/*
 * The 64-bit finaliser of MurmurHash3 (fmix64): a bijection in which each input bit flips each output bit with
 * probability close to 1/2. Flow identities are far from random (socket cookies count up by one, 5-tuples of one
 * client differ in a few port bits), and Maglev reads its table at hash % size, so a hash that keeps their
 * regularity walks the table in strides and loads the backends unevenly; mixed, consecutive identities land on
 * independent entries.
 */
static __always_inline __u64 lb_mix64(__u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/*
 * Picks the backend for a new flow of svc. flow_hash feeds Maglev and must already be mixed (lb_mix64 of the
 * flow identity: 5-tuple or socket cookie); random selection ignores it and draws bpf_get_prandom_u32(). With affinity, a live entry for (netns_cookie, client, svc) wins
 * as long as its backend is still active. Returns NULL when the service has no usable backend.
 *
 * A subprogram, not inlined: the callers retry it in loops that must unroll (before 6.3 the verifier refuses a
 * loop whose back-edge is a fall-through, seen on 5.10 and 6.1), and clang gives up unrolling them with this body
 * inlined four times ("loop not unrolled: the optimizer was unable to perform the requested transformation").
 */
static __noinline struct lb_backend *lb_select(const struct lb_svc *svc, __u64 flow_hash,
						    __u64 netns_cookie, const struct lb_addr *client,
						    __u32 *backend_id)
{
	struct lb_affinity_key akey = {};
	struct lb_slot_key skey = {};
	struct lb_backend *b;
	__u64 now = 0;
	__u32 *id;

	if (svc->count == 0)
		return NULL;
	if (svc->flags & LB_F_AFFINITY) {
		struct lb_affinity *a;

		akey.netns_cookie = netns_cookie;
		akey.client = *client;
		akey.svc_id = svc->id;
		now = bpf_ktime_get_ns();
		a = bpf_map_lookup_elem(&lb_affinity, &akey);
		if (a && now - a->last_used_ns <= (__u64)svc->affinity_timeout * 1000000000ULL) {
			b = bpf_map_lookup_elem(&lb_backends, &a->backend_id);
			if (b && b->state == LB_BACKEND_ACTIVE) {
				a->last_used_ns = now;
				*backend_id = a->backend_id;
				return b;
			}
		}
	}
	skey.svc_id = svc->id;
	skey.rev = svc->rev;
	if ((svc->flags & LB_F_MAGLEV) && svc->maglev_size) {
		skey.index = flow_hash % svc->maglev_size;
		id = bpf_map_lookup_elem(&lb_maglev, &skey);
	} else {
		skey.index = bpf_get_prandom_u32() % svc->count;
		id = bpf_map_lookup_elem(&lb_slots, &skey);
	}
	if (!id)
		return NULL;
	/* read the slot once: a replaced element may be recycled for another key while we look */
	*backend_id = *id;
	lb_barrier();
	b = bpf_map_lookup_elem(&lb_backends, backend_id);
	if (!b)
		return NULL;
	if (svc->flags & LB_F_AFFINITY) {
		struct lb_affinity v = { .last_used_ns = now, .backend_id = *backend_id };

		bpf_map_update_elem(&lb_affinity, &akey, &v, BPF_ANY);
	}
	return b;
}

/* lb_node_addrs key (20 bytes): one of this node's own addresses. */
struct lb_node_addr_key {
	struct lb_addr addr;
	__u8 family;
	__u8 pad[3];
};

/*
 * lb_node_addrs: the node's own addresses, written by the control plane. A connect() or sendmsg() to one of them on
 * a NodePort reaches the Service through the all-addresses NodePort entry, from the node and from pods alike, as it
 * would from outside; so does loopback (127.0.0.0/8, ::1), but only in the node's own namespace, since a pod's
 * loopback is the pod's. Once the map holds its "configured" entry (family 0, LB_NODE_ADDRS_SET), the NodePort
 * programs also take the all-addresses entry only for a packet to one of these addresses: traffic the node forwards
 * to a pod whose port happens to be a node port is not the NodePort's. Without it (a datapath whose user never set
 * the node's addresses) a node port matches any destination, as before.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct lb_node_addr_key);
	__type(value, __u8);
} lb_node_addrs SEC(".maps");

#define LB_NODE_ADDRS_SET 0 /* family of the all-zero key marking lb_node_addrs as configured */

/* Whether a packet to addr may take the all-addresses NodePort entry (see lb_node_addrs). */
static __always_inline bool lb_node_port_dst(const struct lb_addr *addr, __u8 family)
{
	struct lb_node_addr_key nkey = {};

	nkey.family = LB_NODE_ADDRS_SET;
	if (!bpf_map_lookup_elem(&lb_node_addrs, &nkey))
		return true;
	nkey.addr = *addr;
	nkey.family = family;
	return bpf_map_lookup_elem(&lb_node_addrs, &nkey) != NULL;
}

#endif
