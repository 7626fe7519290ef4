/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Socket-level Service load balancing for east-west traffic: at connect()/sendmsg() the cgroup hooks replace
 * a ClusterIP:port with a backend's address, so no packet ever carries the VIP and nothing is NATed per
 * packet; recvmsg()/getpeername() translate the backend back to the VIP so that applications see the address
 * they connected to. A service with no ready backend fails connect() with ECONNREFUSED at once.
 */
#ifndef EBPF4J_LB_SOCK_H
#define EBPF4J_LB_SOCK_H

#include "lb_common.h"
#include "lb_events.h"

#define LB_ECONNREFUSED 111

/* lb_sock_rev key (32 bytes): the socket and the backend it was sent to. */
struct lb_rev_key {
	__u64 cookie;
	struct lb_addr addr;
	__be16 port;
	__u16 family;
	__u32 pad;
};

/* lb_sock_rev value (20 bytes): the frontend the application asked for. */
struct lb_rev {
	struct lb_addr addr;
	__be16 port;
	__u16 pad;
#ifdef EBPF4J_LB_TEST_LAYOUT_V2
	/* Test-only layout 2 (k8s-extension MigrationIT upgrades pins from this file's layout 1 to it): 2 in the
	 * entries the layout 2 programs write, whatever the layout 1 -> 2 converter sets in migrated ones. */
	__u32 generation;
#endif
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 131072);
	__type(key, struct lb_rev_key);
	__type(value, struct lb_rev);
} lb_sock_rev SEC(".maps");

/* lb_sock_fwd key (32 bytes): an unconnected socket and the frontend it sends to. */
struct lb_fwd_key {
	__u64 cookie;
	struct lb_svc_key svc;
	__u32 pad;
};

/*
 * lb_sock_fwd: the backend (__u32 id) each unconnected UDP socket sends a frontend's datagrams to. It makes
 * successive sendmsg() calls of one socket one flow, as conntrack does for kube-proxy (same 5-tuple, same
 * backend), and keeps that flow on its backend while the backend terminates.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 131072);
	__type(key, struct lb_fwd_key);
	__type(value, __u32);
} lb_sock_fwd SEC(".maps");

/* lb_node_addrs (the node's own addresses) is in lb_common.h: the NodePort programs read it too. */

/* Set by the loader: the cookie of the node's network namespace (0: loopback NodePorts are not translated). */
volatile const __u64 lb_host_netns_cookie = 0;

static __always_inline bool sock_node_address(struct bpf_sock_addr *ctx, const struct lb_svc_key *key)
{
	struct lb_node_addr_key nkey = {};
	bool loopback = key->family == LB_AF_INET ? (bpf_ntohl(key->addr.w[0]) >> 24) == 127
		: !key->addr.w[0] && !key->addr.w[1] && !key->addr.w[2] && key->addr.w[3] == bpf_htonl(1);

	if (loopback)
		return lb_host_netns_cookie && bpf_get_netns_cookie(ctx) == lb_host_netns_cookie;
	nkey.addr = key->addr;
	nkey.family = key->family;
	return bpf_map_lookup_elem(&lb_node_addrs, &nkey) != NULL;
}

/*
 * Loads the socket address into a and returns its family. Dual-stack sockets (the default of Java and many
 * runtimes) reach IPv4 peers through v4-mapped IPv6 addresses (::ffff:a.b.c.d) and so through the *6 hooks:
 * those are looked up as IPv4, and *mapped says to write them back mapped.
 */
static __always_inline __u8 load_addr(struct bpf_sock_addr *ctx, struct lb_addr *a, bool v6, bool *mapped)
{
	*mapped = false;
	if (!v6) {
		a->w[0] = ctx->user_ip4;
		return LB_AF_INET;
	}
	a->w[0] = ctx->user_ip6[0];
	a->w[1] = ctx->user_ip6[1];
	a->w[2] = ctx->user_ip6[2];
	a->w[3] = ctx->user_ip6[3];
	if (a->w[0] == 0 && a->w[1] == 0 && a->w[2] == bpf_htonl(0xffff)) {
		*mapped = true;
		a->w[0] = a->w[3];
		a->w[2] = 0;
		a->w[3] = 0;
		return LB_AF_INET;
	}
	return LB_AF_INET6;
}

static __always_inline void store_addr(struct bpf_sock_addr *ctx, const struct lb_addr *a, bool v6, bool mapped)
{
	if (!v6) {
		ctx->user_ip4 = a->w[0];
	} else if (mapped) {
		ctx->user_ip6[0] = 0;
		ctx->user_ip6[1] = 0;
		ctx->user_ip6[2] = bpf_htonl(0xffff);
		ctx->user_ip6[3] = a->w[0];
	} else {
		ctx->user_ip6[0] = a->w[0];
		ctx->user_ip6[1] = a->w[1];
		ctx->user_ip6[2] = a->w[2];
		ctx->user_ip6[3] = a->w[3];
	}
}

/*
 * The Maglev hash of a socket's flow to service svc_id: the socket cookie (unique on the host for its lifetime, so
 * the netns cookie adds nothing) and the service id, mixed, so that one unconnected socket's choices for several
 * services are independent.
 */
static __always_inline __u64 sock_flow_hash(__u64 cookie, __u32 svc_id)
{
	return lb_mix64(lb_mix64(cookie) ^ svc_id);
}

/* Forward translation for connect and sendmsg. Returns the verdict: 1 go on, 0 refuse. */
static __always_inline int sock_forward(struct bpf_sock_addr *ctx, bool v6, bool sendmsg)
{
	struct lb_fwd_key fkey = {};
	struct lb_svc_key key = {}, lkey;
	struct lb_addr client = {};
	struct lb_rev_key rkey = {};
	struct lb_rev rval = {};
	struct lb_backend *b;
	struct lb_svc *found, svc_copy, *svc = &svc_copy;
	struct lb_backend backend_copy;
	__u32 backend_id = 0;
	bool mapped, report = false;
	__u64 cookie;

	key.family = load_addr(ctx, &key.addr, v6, &mapped);
	key.port = (__be16)ctx->user_port;
	key.proto = (__u8)ctx->protocol;
	/*
	 * Hash map elements are recycled as soon as they are replaced (the kernel's BPF allocator reuses them
	 * within the same map before an RCU grace period), so the entry is copied at once and only the copy is read.
	 */
	found = bpf_map_lookup_elem(&lb_services, &key);
	lkey = key;
	if (!found && key.port && sock_node_address(ctx, &key)) {
		/* a node address or loopback: the NodePort entry, keyed by the all-zero address */
		__builtin_memset(&lkey.addr, 0, sizeof(lkey.addr));
		found = bpf_map_lookup_elem(&lb_services, &lkey);
	}
	if (!found)
		return 1;
	svc_copy = *found;
	lb_barrier();
	cookie = bpf_get_socket_cookie(ctx);
	b = NULL;
	if (sendmsg) {
		__u32 *id;

		fkey.cookie = cookie;
		fkey.svc = key;
		id = bpf_map_lookup_elem(&lb_sock_fwd, &fkey);
		if (id) {
			backend_id = *id;
			b = bpf_map_lookup_elem(&lb_backends, &backend_id);
			if (b) {
				backend_copy = *b;
				lb_barrier();
				b = backend_copy.family == key.family ? &backend_copy : NULL;
			}
		}
	}
	if (!b) {
		/*
		 * Choose, and choose again from a fresh copy of the entry when that fails: the control plane may have
		 * switched this frontend to a new table revision and deleted the one the entry named (or a backend it
		 * held) between our lookups, possibly several times over if we were preempted, and a copy may catch an
		 * element being recycled. A frontend is refused only when every attempt fails, and at once (after one
		 * re-read) when it has no active backend.
		 */
		/* Unrolled: before 6.3 the verifier refuses a loop whose back-edge is a fall-through (seen on 5.10 and 6.1). */
		#pragma unroll
		for (int attempt = 0; attempt < 4; attempt++) {
			if (attempt) {
				found = bpf_map_lookup_elem(&lb_services, &lkey);
				if (!found)
					break;
				svc_copy = *found;
				lb_barrier();
			}
			b = lb_select(svc, sock_flow_hash(cookie, svc_copy.id), bpf_get_netns_cookie(ctx), &client,
				     &backend_id);
			if (b) {
				backend_copy = *b;
				lb_barrier();
				b = &backend_copy;
				if (backend_copy.family == key.family)
					break;
				b = NULL;
			}
			if (!svc_copy.count && attempt)
				break;
		}
		if (b && sendmsg)
			bpf_map_update_elem(&lb_sock_fwd, &fkey, &backend_id, BPF_ANY);
		/* One event per flow: every connect, but only the datagram that picked an unconnected socket's backend. */
		report = true;
	}
	if (!b || b->family != key.family) {
		if (lb_flow_events)
			lb_emit_sock(ctx, &key, NULL, cookie);
		/*
		 * Refuse with ECONNREFUSED rather than the default EPERM: clients fail fast, as with a closed port. The
		 * helper came in 5.18; where the kernel lacks it the check is constant false and the verifier skips the call.
		 */
		if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_set_retval))
			bpf_set_retval(-LB_ECONNREFUSED);
		return 0;
	}
	if (lb_flow_events && report)
		lb_emit_sock(ctx, &key, b, cookie);
	rkey.cookie = cookie;
	rkey.addr = b->addr;
	rkey.port = b->port;
	rkey.family = key.family;
	rval.addr = key.addr;
	rval.port = key.port;
#ifdef EBPF4J_LB_TEST_LAYOUT_V2
	rval.generation = 2;
#endif
	bpf_map_update_elem(&lb_sock_rev, &rkey, &rval, BPF_ANY);
	store_addr(ctx, &b->addr, v6, mapped);
	ctx->user_port = (__u32)b->port;
	return 1;
}

/* Reverse translation for recvmsg (UDP replies) and getpeername: backend -> frontend the socket asked for. */
static __always_inline int sock_reverse(struct bpf_sock_addr *ctx, bool v6)
{
	struct lb_rev_key rkey = {};
	struct lb_rev *r;
	bool mapped;

	rkey.cookie = bpf_get_socket_cookie(ctx);
	rkey.family = load_addr(ctx, &rkey.addr, v6, &mapped);
	rkey.port = (__be16)ctx->user_port;
	r = bpf_map_lookup_elem(&lb_sock_rev, &rkey);
	if (r) {
		store_addr(ctx, &r->addr, v6, mapped);
		ctx->user_port = (__u32)r->port;
	}
	return 1;
}

SEC("cgroup/connect4")
int lb_connect4(struct bpf_sock_addr *ctx)
{
	return sock_forward(ctx, false, false);
}

SEC("cgroup/sendmsg4")
int lb_sendmsg4(struct bpf_sock_addr *ctx)
{
	return sock_forward(ctx, false, true);
}

SEC("cgroup/recvmsg4")
int lb_recvmsg4(struct bpf_sock_addr *ctx)
{
	return sock_reverse(ctx, false);
}

SEC("cgroup/getpeername4")
int lb_getpeername4(struct bpf_sock_addr *ctx)
{
	return sock_reverse(ctx, false);
}

SEC("cgroup/connect6")
int lb_connect6(struct bpf_sock_addr *ctx)
{
	return sock_forward(ctx, true, false);
}

SEC("cgroup/sendmsg6")
int lb_sendmsg6(struct bpf_sock_addr *ctx)
{
	return sock_forward(ctx, true, true);
}

SEC("cgroup/recvmsg6")
int lb_recvmsg6(struct bpf_sock_addr *ctx)
{
	return sock_reverse(ctx, true);
}

SEC("cgroup/getpeername6")
int lb_getpeername6(struct bpf_sock_addr *ctx)
{
	return sock_reverse(ctx, true);
}

#endif
