/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The IPv6 half of the NodePort datapath (lb_nodeport.h): lb_nodeport_ingress and lb_nodeport_reply hand every
 * IPv6 frame to lb_np6_ingress / lb_np6_reply. Same model as IPv4 with 16-byte addresses in maps of their own
 * (lb_ct6, lb_snat6): a new flow to a frontend of family LB_AF_INET6 (its address, or "::" for a node port) is
 * DNATed to a backend and recorded forward and reply; the egress program restores the frontend on the replies;
 * loadBalancerSourceRanges, the "no backend" refusal by the node's stack, flow events and conntrack ageing
 * (ct_age.h, the lifetimes of lb_nodeport.h) apply as for IPv4.
 *
 * IPv6 has no header checksum: only the L4 checksum changes, with the pseudo-header's address folded in 4 bytes at a
 * time. UDP over IPv6 must carry a checksum (RFC 8200 8.1), so a sum that comes out 0 is written 0xffff
 * (BPF_F_MARK_MANGLED_0, which also leaves a received 0 alone: such a datagram is dropped by the receiver anyway).
 * SCTP's CRC32c has no pseudo-header: only a port rewrite changes it (lb_sctp.h).
 *
 * Remote backends are SNATed to lb_snat_ip6 (this node's IPv6 address, set by the loader) and a port from the NAT
 * range, in DSR mode too: IPv6 DSR (an extension header carrying the frontend) is not implemented. Without
 * lb_snat_ip6 they are DNATed only, as for IPv4 without lb_snat_ip4.
 * Not translated (passed untouched): packets with extension headers (fragments included) before the TCP/UDP/SCTP
 * header. The XDP program (lb_nodeport_xdp.h) parses IPv4 only and leaves IPv6 to these tcx programs.
 */
#ifndef EBPF4J_LB_NODEPORT6_H
#define EBPF4J_LB_NODEPORT6_H

#define LB_IP6_SRC_OFF (ETH_HLEN + offsetof(struct ipv6hdr, saddr))
#define LB_IP6_DST_OFF (ETH_HLEN + offsetof(struct ipv6hdr, daddr))
#define LB_IP6_L4_OFF (ETH_HLEN + sizeof(struct ipv6hdr))

/* Set by the loader before load: this node's IPv6 address (network order) for SNAT to remote backends; :: = none. */
volatile const __be32 lb_snat_ip6[4] = {};

/* lb_ct6 key (40 bytes): an IPv6 flow as seen on the wire in one direction (as struct lb_ct_key). */
struct lb_ct6_key {
	struct lb_addr saddr;
	struct lb_addr daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 dir; /* LB_CT_FORWARD / LB_CT_REPLY */
	__u16 pad;
};

/* lb_ct6 value (40 bytes): as struct lb_ct with a 16-byte address; flags at offset 24, last_seen_ns at 32. */
struct lb_ct6 {
	struct lb_addr addr;
	__be16 port;
	__be16 nat_port;
	__u32 backend_id;
	__u32 flags; /* LB_CT_F_SNAT only, and the ct_age.h state at LB_CT_STATE_SHIFT */
	__u32 pad;
	__u64 last_seen_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 131072);
	__type(key, struct lb_ct6_key);
	__type(value, struct lb_ct6);
} lb_ct6 SEC(".maps");

/* lb_snat6 key (40 bytes): a SNATed reply as it arrives, backend -> this node's address and NAT port. */
struct lb_snat6_key {
	struct lb_addr backend;
	struct lb_addr node;
	__be16 backend_port;
	__be16 nat_port;
	__u8 proto;
	__u8 pad[3];
};

/* lb_snat6 value (48 bytes): the client and the frontend it used, to restore on the reply. */
struct lb_snat6 {
	struct lb_addr client;
	struct lb_addr frontend;
	__be16 client_port;
	__be16 frontend_port;
	__u32 state; /* ct_age.h CT_S_* */
	__u64 last_seen_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 131072);
	__type(key, struct lb_snat6_key);
	__type(value, struct lb_snat6);
} lb_snat6 SEC(".maps");

struct flow6 {
	struct lb_addr saddr;
	struct lb_addr daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 tcp_flags;
};

/*
 * The IPv6 path's working state. It runs inside lb_nodeport_ingress / lb_nodeport_reply, whose IPv4 locals and the
 * lb_select frame leave too little of the 512-byte stack for 16-byte-address keys and values, so they live here: one
 * per-CPU slot per program (0 ingress, 1 reply; a program runs to the end on its CPU, and tc ingress cannot interrupt
 * tc egress, which runs with bottom halves off).
 */
struct lb_np6_scratch {
	struct flow6 f;
	struct lb_ct6_key key, rkey, tkey;
	struct lb_ct6 val, rval;
	struct lb_svc_key skey;
	struct lb_svc svc;
	struct lb_backend backend;
	struct lb_src_range_key range;
	struct lb_snat6_key nkey;
	struct lb_snat6 nval, nold;
	struct bpf_fib_lookup fib;
	struct lb_addr snat;
	__u32 backend_id;
	__be16 port, nat_port;
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct lb_np6_scratch);
} lb_np6_scratch SEC(".maps");

static __always_inline bool lb_addr_eq(const struct lb_addr *a, const struct lb_addr *b)
{
	return a->w[0] == b->w[0] && a->w[1] == b->w[1] && a->w[2] == b->w[2] && a->w[3] == b->w[3];
}

/* lb_snat_ip6 as an address; false when it is :: (no SNAT). */
static __always_inline bool lb_snat6_addr(struct lb_addr *a)
{
	a->w[0] = lb_snat_ip6[0];
	a->w[1] = lb_snat_ip6[1];
	a->w[2] = lb_snat_ip6[2];
	a->w[3] = lb_snat_ip6[3];
	return a->w[0] | a->w[1] | a->w[2] | a->w[3];
}

/* Parses an IPv6 TCP/UDP/SCTP frame whose next header is the L4 one; -1 for anything else (extension headers too). */
static __always_inline int lb_parse6(struct __sk_buff *skb, struct flow6 *f)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	__be16 *ports;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return -1;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return -1;
	if (ip6->nexthdr != LB_IPPROTO_TCP && ip6->nexthdr != LB_IPPROTO_UDP && ip6->nexthdr != LB_IPPROTO_SCTP)
		return -1;
	ports = (void *)(ip6 + 1);
	if ((void *)(ports + 2) > data_end)
		return -1;
	f->tcp_flags = 0;
	if (ip6->nexthdr == LB_IPPROTO_TCP) {
		__u8 *tcp = (void *)ports;

		if ((void *)(tcp + 14) > data_end)
			return -1;
		f->tcp_flags = tcp[13];
	}
	__builtin_memcpy(&f->saddr, &ip6->saddr, 16);
	__builtin_memcpy(&f->daddr, &ip6->daddr, 16);
	f->sport = ports[0];
	f->dport = ports[1];
	f->proto = ip6->nexthdr;
	return 0;
}

/*
 * Rewrites one address and its port (source or destination); only the L4 checksum covers them. old_addr and
 * new_addr must not point into the packet (it changes under them).
 */
static __always_inline void lb_rewrite6(struct __sk_buff *skb, const struct flow6 *f, bool dst,
					const struct lb_addr *old_addr, const struct lb_addr *new_addr, __be16 old_port,
					__be16 new_port)
{
	__u32 csum_off = LB_IP6_L4_OFF + (f->proto == LB_IPPROTO_TCP ? 16 : 6);
	/* IPv6 UDP: a computed 0 must go out as 0xffff (0 would mean "no checksum", which IPv6 forbids). */
	__u64 l4flags = f->proto == LB_IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;

	if (f->proto == LB_IPPROTO_SCTP) {
		/* CRC32c without a pseudo-header: only the port changes it (lb_sctp.h). */
		lb_sctp_csum_replace(skb, LB_IP6_L4_OFF, LB_SCTP_IP6 | (dst ? LB_SCTP_DST : 0), old_port, new_port);
	} else {
#pragma unroll
		for (int i = 0; i < 4; i++)
			bpf_l4_csum_replace(skb, csum_off, old_addr->w[i], new_addr->w[i], l4flags | BPF_F_PSEUDO_HDR | 4);
		bpf_l4_csum_replace(skb, csum_off, old_port, new_port, l4flags | sizeof(new_port));
	}
	bpf_skb_store_bytes(skb, dst ? LB_IP6_DST_OFF : LB_IP6_SRC_OFF, new_addr, 16, 0);
	bpf_skb_store_bytes(skb, LB_IP6_L4_OFF + (dst ? 2 : 0), &new_port, sizeof(new_port), 0);
}

/* The Maglev hash of an IPv6 flow: its 5-tuple folded into lb_mix64 (see flow_hash). */
static __always_inline __u64 lb_flow6_hash(const struct flow6 *f)
{
	__u64 h = lb_mix64((__u64)f->saddr.w[0] << 32 | f->saddr.w[1]);

	h = lb_mix64(h ^ ((__u64)f->saddr.w[2] << 32 | f->saddr.w[3]));
	h = lb_mix64(h ^ ((__u64)f->daddr.w[0] << 32 | f->daddr.w[1]));
	h = lb_mix64(h ^ ((__u64)f->daddr.w[2] << 32 | f->daddr.w[3]));
	return lb_mix64(h ^ ((__u64)f->sport << 24 | (__u64)f->dport << 8 | f->proto));
}

/* The device the FIB sends dst out of (0 when there is no route). */
static __always_inline __u32 lb_fib6_ifindex(struct __sk_buff *skb, struct lb_np6_scratch *s,
					     const struct lb_addr *src, const struct lb_addr *dst)
{
	long r;

	__builtin_memset(&s->fib, 0, sizeof(s->fib));
	s->fib.family = LB_AF_INET6;
	__builtin_memcpy(s->fib.ipv6_src, src, 16);
	__builtin_memcpy(s->fib.ipv6_dst, dst, 16);
	s->fib.ifindex = skb->ingress_ifindex;
	r = bpf_fib_lookup(skb, &s->fib, sizeof(s->fib), 0);
	if (r != BPF_FIB_LKUP_RET_SUCCESS && r != BPF_FIB_LKUP_RET_NO_NEIGH)
		return 0;
	return s->fib.ifindex;
}

/*
 * A translation (backend != NULL) or refusal of the IPv6 packet in skb, as lb_emit_nodeport. Inlined: its stack then
 * shares the IPv4 emission's slots (a call would add a frame to a chain that has no room left for one).
 */
static __always_inline void lb_emit_nodeport6(struct __sk_buff *skb, const struct lb_addr *backend, __be16 port)
{
	struct l4_info l = {};

	if (!lb_flow_events || obs_parse(skb, &l))
		return;
	if (!backend) {
		obs_emit_packet(&lb_events, &lb_events_lost, skb, &l, OBS_KIND_DROP, OBS_VERDICT_DROPPED,
				OBS_DROP_NO_BACKEND, OBS_DIR_INGRESS);
		return;
	}
	obs_emit_translated(&lb_events, &lb_events_lost, skb, &l, OBS_DIR_INGRESS, (const __u8 *)backend,
			    bpf_ntohs(port), l.daddr, l.dport);
}

static __always_inline void lb_ct6_touch(const struct lb_ct6_key *k, __u32 state, __u64 now)
{
	struct lb_ct6 *p = bpf_map_lookup_elem(&lb_ct6, k);

	if (p) {
		p->flags |= state << LB_CT_STATE_SHIFT;
		p->last_seen_ns = now;
	}
}

/* The partner of the forward entry s->val ages with it (see lb_ct_touch_reply): its reply or SNAT entry. */
static __always_inline void lb_ct6_touch_reply(struct lb_np6_scratch *s, __u32 state, __u64 now)
{
	if (s->val.flags & LB_CT_F_SNAT) {
		struct lb_snat6 *n;

		__builtin_memset(&s->nkey, 0, sizeof(s->nkey));
		s->nkey.backend = s->val.addr;
		lb_snat6_addr(&s->nkey.node);
		s->nkey.backend_port = s->val.port;
		s->nkey.nat_port = s->val.nat_port;
		s->nkey.proto = s->f.proto;
		n = bpf_map_lookup_elem(&lb_snat6, &s->nkey);
		if (n) {
			n->state |= state;
			n->last_seen_ns = now;
		}
	} else {
		__builtin_memset(&s->tkey, 0, sizeof(s->tkey));
		s->tkey.saddr = s->val.addr;
		s->tkey.daddr = s->f.saddr;
		s->tkey.sport = s->val.port;
		s->tkey.dport = s->f.sport;
		s->tkey.proto = s->f.proto;
		s->tkey.dir = LB_CT_REPLY;
		lb_ct6_touch(&s->tkey, state, now);
	}
}

/* The forward entry of the flow a reply belongs to (client -> frontend), touched by its replies. */
static __always_inline void lb_ct6_touch_forward(struct lb_np6_scratch *s, const struct lb_addr *client,
						 __be16 client_port, const struct lb_addr *frontend,
						 __be16 frontend_port, __u32 state, __u64 now)
{
	__builtin_memset(&s->tkey, 0, sizeof(s->tkey));
	s->tkey.saddr = *client;
	s->tkey.daddr = *frontend;
	s->tkey.sport = client_port;
	s->tkey.dport = frontend_port;
	s->tkey.proto = s->f.proto;
	s->tkey.dir = LB_CT_FORWARD;
	lb_ct6_touch(&s->tkey, state, now);
}

/* A free NAT port towards s->backend for the flow s->f, recorded in lb_snat6; 0 when none was found. */
static __noinline __be16 lb_snat6_alloc(struct lb_np6_scratch *s, __u64 now)
{
	struct ct_lifetimes lt = LB_CT_LIFETIMES;
	const struct flow6 *f = &s->f;

	__builtin_memset(&s->nkey, 0, sizeof(s->nkey));
	__builtin_memset(&s->nval, 0, sizeof(s->nval));
	s->nkey.backend = s->backend.addr;
	s->nkey.node = s->snat;
	s->nkey.backend_port = s->backend.port;
	s->nkey.proto = f->proto;
	s->nval.client = f->saddr;
	s->nval.frontend = f->daddr;
	s->nval.client_port = f->sport;
	s->nval.frontend_port = f->dport;
	s->nval.state = ct_next_state(0, f->proto, f->tcp_flags);
	s->nval.last_seen_ns = now;
	for (int i = 0; i < 8; i++) {
		struct lb_snat6 *old;

		/* The client's own port when it is in the NAT range, so that the backend sees it unchanged. */
		if (i == 0 && bpf_ntohs(f->sport) >= LB_SNAT_PORT_MIN)
			s->nkey.nat_port = f->sport;
		else
			s->nkey.nat_port = bpf_htons(LB_SNAT_PORT_MIN + bpf_get_prandom_u32() % LB_SNAT_PORT_SPAN);
		if (!bpf_map_update_elem(&lb_snat6, &s->nkey, &s->nval, BPF_NOEXIST))
			return s->nkey.nat_port;
		/* Taken by this client port and frontend (a new flow on the same 4-tuple) or by an expired flow. */
		old = bpf_map_lookup_elem(&lb_snat6, &s->nkey);
		if (!old)
			continue;
		s->nold = *old;
		lb_barrier();
		if (((i == 0 && lb_addr_eq(&s->nold.client, &s->nval.client) && s->nold.client_port == s->nval.client_port
		      && lb_addr_eq(&s->nold.frontend, &s->nval.frontend)
		      && s->nold.frontend_port == s->nval.frontend_port)
		     || ct_expired(&lt, f->proto, s->nold.state, s->nold.last_seen_ns, now, 0))
		    && !bpf_map_update_elem(&lb_snat6, &s->nkey, &s->nval, BPF_EXIST))
			return s->nkey.nat_port;
	}
	return 0;
}

/* A reply to a SNATed flow (backend -> this node's NAT port): back to the client, from the frontend; -1: not one. */
static __noinline int lb_snat6_reply(struct __sk_buff *skb, struct lb_np6_scratch *s, __u64 now)
{
	struct ct_lifetimes lt = LB_CT_LIFETIMES;
	const struct flow6 *f = &s->f;
	struct lb_snat6 *n;
	__u32 ifindex, state;

	__builtin_memset(&s->nkey, 0, sizeof(s->nkey));
	s->nkey.backend = f->saddr;
	s->nkey.node = f->daddr;
	s->nkey.backend_port = f->sport;
	s->nkey.nat_port = f->dport;
	s->nkey.proto = f->proto;
	n = bpf_map_lookup_elem(&lb_snat6, &s->nkey);
	if (!n)
		return -1;
	s->nval = *n;
	lb_barrier();
	if (ct_expired(&lt, f->proto, s->nval.state, s->nval.last_seen_ns, now, f->tcp_flags))
		return -1;
	state = ct_next_state(s->nval.state, f->proto, f->tcp_flags);
	if (ct_needs_refresh(&lt, s->nval.state, state, s->nval.last_seen_ns, now)) {
		n->state = state;
		n->last_seen_ns = now;
		lb_ct6_touch_forward(s, &s->nval.client, s->nval.client_port, &s->nval.frontend, s->nval.frontend_port,
				     state, now);
	}
	ifindex = lb_fib6_ifindex(skb, s, &s->nval.frontend, &s->nval.client);
	if (!ifindex)
		return TC_ACT_SHOT;
	lb_rewrite6(skb, f, true, &f->daddr, &s->nval.client, f->dport, s->nval.client_port);
	lb_rewrite6(skb, f, false, &f->saddr, &s->nval.frontend, f->sport, s->nval.frontend_port);
	return bpf_redirect_neigh(ifindex, NULL, 0, 0);
}

/* Whether the client of s->f may open a flow to the frontend s->skey (lb_source_allowed, key in the scratch). */
static __always_inline bool lb_source6_allowed(struct lb_np6_scratch *s)
{
	__u8 *v;

	__builtin_memset(&s->range, 0, sizeof(s->range));
	s->range.prefixlen = LB_SRC_FRONTEND_BITS + 128;
	s->range.addr = s->skey.addr;
	s->range.port = s->skey.port;
	s->range.proto = s->skey.proto;
	s->range.family = s->skey.family;
	s->range.client = s->f.saddr;
	v = bpf_map_lookup_elem(&lb_src_ranges, &s->range);
	return !v || *v == LB_SRC_ALLOWED;
}

/*
 * The NodePort decision for the IPv6 packet s->f (lb_np_decide's, tcx only): an established flow keeps its backend,
 * a new flow to a frontend gets one and its entries. Answers LB_NP_*; with LB_NP_DNAT the backend is s->backend.addr
 * and s->port, with LB_CT_F_SNAT in s->flags the source becomes s->snat:s->nat_port; new_flow says "report it".
 */
static __always_inline int lb_np6_decide(struct __sk_buff *skb, struct lb_np6_scratch *s, __u64 now, bool *new_flow)
{
	struct ct_lifetimes lt = LB_CT_LIFETIMES;
	const struct flow6 *f = &s->f;
	bool snat_on = lb_snat6_addr(&s->snat);
	struct lb_backend *b;
	struct lb_svc *svc;
	struct lb_ct6 *ct;
	__u32 state, old;

	__builtin_memset(&s->key, 0, sizeof(s->key));
	s->key.saddr = f->saddr;
	s->key.daddr = f->daddr;
	s->key.sport = f->sport;
	s->key.dport = f->dport;
	s->key.proto = f->proto;
	s->key.dir = LB_CT_FORWARD;
	ct = bpf_map_lookup_elem(&lb_ct6, &s->key);
	if (ct) {
		s->val = *ct;
		lb_barrier();
		old = (s->val.flags >> LB_CT_STATE_SHIFT) & CT_S_MASK;
		/* An entry made with SNAT by an agent now without it, or an expired one, is chosen anew. */
		if (!((s->val.flags & LB_CT_F_SNAT) && !snat_on)
		    && !ct_expired(&lt, f->proto, old, s->val.last_seen_ns, now, f->tcp_flags)) {
			state = ct_next_state(old, f->proto, f->tcp_flags);
			if (ct_needs_refresh(&lt, old, state, s->val.last_seen_ns, now)) {
				ct->flags = lb_ct_with_state(s->val.flags, state);
				ct->last_seen_ns = now;
				lb_ct6_touch_reply(s, state, now);
			}
			s->backend.addr = s->val.addr;
			s->port = s->val.port;
			s->nat_port = s->val.nat_port;
			s->flags = s->val.flags & LB_CT_F_SNAT;
			*new_flow = false;
			return LB_NP_DNAT;
		}
	}
	__builtin_memset(&s->skey, 0, sizeof(s->skey));
	s->skey.addr = f->daddr;
	s->skey.port = f->dport;
	s->skey.proto = f->proto;
	s->skey.family = LB_AF_INET6;
	svc = bpf_map_lookup_elem(&lb_services, &s->skey);
	if (!svc) {
		if (!lb_node_port_dst(&s->skey.addr, LB_AF_INET6))
			return LB_NP_PASS;
		__builtin_memset(&s->skey.addr, 0, sizeof(s->skey.addr)); /* node port: any address of this node */
		svc = bpf_map_lookup_elem(&lb_services, &s->skey);
		if (!svc)
			return LB_NP_PASS;
	}
	if (!lb_source6_allowed(s))
		return LB_NP_DROP;
	b = NULL;
	/* Copies and retries as in lb_np_decide; unrolled for the pre-6.3 verifiers. */
#pragma unroll
	for (int attempt = 0; attempt < 4; attempt++) {
		if (attempt) {
			svc = bpf_map_lookup_elem(&lb_services, &s->skey);
			if (!svc)
				break;
		}
		s->svc = *svc;
		lb_barrier();
		b = lb_select(&s->svc, lb_flow6_hash(f), 0, &f->saddr, &s->backend_id);
		if (b) {
			s->backend = *b;
			lb_barrier();
			if (s->backend.family == LB_AF_INET6)
				break;
			b = NULL;
		}
		if (!s->svc.count && attempt)
			break;
	}
	if (!b || s->backend.family != LB_AF_INET6)
		return LB_NP_NO_BACKEND;
	s->flags = 0;
	s->nat_port = 0;
	/* A backend behind the device the request came in on is on another node. */
	if (snat_on && lb_fib6_ifindex(skb, s, &f->saddr, &s->backend.addr) == skb->ingress_ifindex) {
		s->nat_port = lb_snat6_alloc(s, now);
		if (!s->nat_port)
			return LB_NP_DROP;
		s->flags = LB_CT_F_SNAT;
	}
	state = ct_next_state(0, f->proto, f->tcp_flags);
	__builtin_memset(&s->val, 0, sizeof(s->val));
	s->val.addr = s->backend.addr;
	s->val.port = s->backend.port;
	s->val.nat_port = s->nat_port;
	s->val.backend_id = s->backend_id;
	s->val.flags = lb_ct_with_state(s->flags, state);
	s->val.last_seen_ns = now;
	if (!s->flags) {
		__builtin_memset(&s->rkey, 0, sizeof(s->rkey));
		__builtin_memset(&s->rval, 0, sizeof(s->rval));
		s->rkey.saddr = s->backend.addr;
		s->rkey.daddr = f->saddr;
		s->rkey.sport = s->backend.port;
		s->rkey.dport = f->sport;
		s->rkey.proto = f->proto;
		s->rkey.dir = LB_CT_REPLY;
		s->rval.addr = f->daddr;
		s->rval.port = f->dport;
		s->rval.backend_id = s->backend_id;
		s->rval.flags = lb_ct_with_state(0, state);
		s->rval.last_seen_ns = now;
		bpf_map_update_elem(&lb_ct6, &s->rkey, &s->rval, BPF_ANY); /* reply entry first, as for IPv4 */
	}
	bpf_map_update_elem(&lb_ct6, &s->key, &s->val, BPF_ANY);
	s->port = s->backend.port;
	*new_flow = true;
	return LB_NP_DNAT;
}

/* lb_nodeport_ingress for an IPv6 frame. */
static __always_inline int lb_np6_ingress(struct __sk_buff *skb)
{
	__u32 slot = 0;
	struct lb_np6_scratch *s = bpf_map_lookup_elem(&lb_np6_scratch, &slot);
	bool new_flow = false;
	__u64 now;
	int r;

	if (!s || lb_parse6(skb, &s->f))
		return TCX_NEXT;
	now = bpf_ktime_get_ns();
	if (lb_snat6_addr(&s->snat) && lb_addr_eq(&s->f.daddr, &s->snat)) {
		r = lb_snat6_reply(skb, s, now);
		if (r >= 0)
			return r;
	}
	switch (lb_np6_decide(skb, s, now, &new_flow)) {
	case LB_NP_DNAT:
		break;
	case LB_NP_DROP:
		return TC_ACT_SHOT;
	case LB_NP_NO_BACKEND:
		lb_emit_nodeport6(skb, NULL, 0);
		return TCX_NEXT;
	default:
		return TCX_NEXT;
	}
	lb_np_count(LB_NP_STAT_TCX_DNAT);
	if (new_flow)
		lb_emit_nodeport6(skb, &s->backend.addr, s->port);
	lb_rewrite6(skb, &s->f, true, &s->f.daddr, &s->backend.addr, s->f.dport, s->port);
	if (!(s->flags & LB_CT_F_SNAT))
		return TCX_NEXT;
	lb_rewrite6(skb, &s->f, false, &s->f.saddr, &s->snat, s->f.sport, s->nat_port);
	/* Out of the device it came in on, which reaches the backend: the stack drops a forward from its own address. */
	return bpf_redirect_neigh(skb->ingress_ifindex, NULL, 0, 0);
}

/* lb_nodeport_reply for an IPv6 frame: a reply of a local backend goes out from the frontend. */
static __always_inline int lb_np6_reply(struct __sk_buff *skb)
{
	struct ct_lifetimes lt = LB_CT_LIFETIMES;
	__u32 slot = 1, old, state;
	struct lb_np6_scratch *s = bpf_map_lookup_elem(&lb_np6_scratch, &slot);
	struct lb_ct6 *ct;
	__u64 now;

	if (!s || lb_parse6(skb, &s->f))
		return TCX_NEXT;
	__builtin_memset(&s->key, 0, sizeof(s->key));
	s->key.saddr = s->f.saddr;
	s->key.daddr = s->f.daddr;
	s->key.sport = s->f.sport;
	s->key.dport = s->f.dport;
	s->key.proto = s->f.proto;
	s->key.dir = LB_CT_REPLY;
	ct = bpf_map_lookup_elem(&lb_ct6, &s->key);
	if (!ct)
		return TCX_NEXT;
	s->val = *ct;
	lb_barrier();
	now = bpf_ktime_get_ns();
	old = (s->val.flags >> LB_CT_STATE_SHIFT) & CT_S_MASK;
	if (ct_expired(&lt, s->f.proto, old, s->val.last_seen_ns, now, s->f.tcp_flags))
		return TCX_NEXT; /* as if absent: the flow it translated is over */
	state = ct_next_state(old, s->f.proto, s->f.tcp_flags);
	if (ct_needs_refresh(&lt, old, state, s->val.last_seen_ns, now)) {
		ct->flags = lb_ct_with_state(s->val.flags, state);
		ct->last_seen_ns = now;
		lb_ct6_touch_forward(s, &s->f.daddr, s->f.dport, &s->val.addr, s->val.port, state, now);
	}
	lb_rewrite6(skb, &s->f, false, &s->f.saddr, &s->val.addr, s->f.sport, s->val.port);
	return TCX_NEXT;
}

#endif
