/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * NodePort acceleration: lb_nodeport_xdp, at XDP on the node's external interface, does what lb_nodeport_ingress
 * (lb_nodeport.h) does for flows to backends on this node, before the kernel builds an skb for the tc hook: the
 * same decision (lb_np_decide), the same conntrack entries, then the destination rewritten in place and XDP_PASS, so
 * the stack routes the packet to the backend pod. Replies leave through lb_nodeport_reply at tcx egress, unchanged.
 *
 * Everything else goes up untouched (XDP_PASS) to the tcx program behind it: fragments, IP options (including the
 * DSR option), non-IPv4, SCTP, replies to SNATed flows, and flows to remote backends in SNAT or DSR mode (those need
 * bpf_redirect_neigh and bpf_skb_adjust_room, which XDP lacks). A packet translated here carries LB_XDP_MARK in its
 * XDP metadata, and the tcx program leaves it alone (its destination, a backend, could match a node-port entry).
 *
 * Checksums are updated incrementally (RFC 1624) on the complete checksums a packet from the wire carries. A packet
 * sent with a partial checksum (CHECKSUM_PARTIAL: a local socket through a veth pair) holds only the pseudo-header
 * sum, which XDP cannot tell apart; such packets stay partial through veth to the backend, which does not verify them.
 */
#ifndef EBPF4J_LB_NODEPORT_XDP_H
#define EBPF4J_LB_NODEPORT_XDP_H

#include "lb_nodeport.h"

/* One's-complement sum folded to 16 bits. */
static __always_inline __u16 lb_csum_fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

/*
 * RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), for a 32-bit field: both halves as stored in memory, so the result needs
 * no byte swapping (the one's-complement sum is the same in either byte order).
 */
static __always_inline __u16 lb_csum_replace4(__u16 check, __be32 from, __be32 to)
{
	__u32 s = (__u16)~check;

	s += (__u16)~(from & 0xffff);
	s += (__u16)~(from >> 16);
	s += to & 0xffff;
	s += to >> 16;
	return (__u16)~lb_csum_fold(s);
}

static __always_inline __u16 lb_csum_replace2(__u16 check, __be16 from, __be16 to)
{
	__u32 s = (__u16)~check;

	s += (__u16)~from;
	s += to;
	return (__u16)~lb_csum_fold(s);
}

/* Rewrites the destination of the plain 20-byte-header packet parsed into f to addr:port. -1: too short. */
static __always_inline int lb_xdp_dnat(struct xdp_md *ctx, const struct flow *f, __be32 addr, __be16 port)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + ETH_HLEN;
	__u16 *check, sum;
	__be16 *ports;

	if ((void *)(ip + 1) > data_end)
		return -1;
	ports = (void *)(ip + 1);
	if (f->proto == LB_IPPROTO_TCP) {
		struct tcphdr *th = (void *)(ip + 1);

		if ((void *)(th + 1) > data_end)
			return -1;
		check = &th->check;
	} else {
		struct udphdr *uh = (void *)(ip + 1);

		if ((void *)(uh + 1) > data_end)
			return -1;
		check = &uh->check;
	}
	/* A UDP checksum of 0 means "none": keep it so, and never produce 0 from a real sum. */
	if (f->proto == LB_IPPROTO_TCP || *check) {
		sum = lb_csum_replace4(*check, ip->daddr, addr);
		sum = lb_csum_replace2(sum, ports[1], port);
		if (f->proto == LB_IPPROTO_UDP && !sum)
			sum = 0xffff;
		*check = sum;
	}
	ip->check = lb_csum_replace4(ip->check, ip->daddr, addr);
	ip->daddr = addr;
	ports[1] = port;
	return 0;
}

/* The first packet of a flow translated at XDP, in the same event as lb_emit_nodeport's (direction ingress). */
static __always_inline void lb_emit_nodeport_xdp(struct xdp_md *ctx, const struct flow *f, __be32 backend,
						 __be16 backend_port)
{
	struct observe_event *e;

	if (!lb_flow_events)
		return;
	e = lb_event_reserve();
	if (!e)
		return;
	e->kind = OBS_KIND_TRACE;
	e->verdict = OBS_VERDICT_TRANSLATED;
	e->family = LB_AF_INET;
	e->l4_proto = f->proto;
	e->tcp_flags = f->tcp_flags;
	e->direction = OBS_DIR_INGRESS;
	e->ifindex = ctx->ingress_ifindex;
	__builtin_memcpy(e->saddr, &f->saddr, 4);
	__builtin_memcpy(e->daddr, &backend, 4);
	__builtin_memcpy(e->orig_daddr, &f->daddr, 4);
	e->sport = bpf_ntohs(f->sport);
	e->dport = bpf_ntohs(backend_port);
	e->orig_dport = bpf_ntohs(f->dport);
	bpf_ringbuf_submit(e, 0);
}

/* Whether a packet to this node's address is the reply of a SNATed flow (lb_snat_reply's, at tcx). */
static __always_inline bool lb_is_snat_reply(const struct flow *f)
{
	struct lb_snat_key k = {};

	k.backend = f->saddr;
	k.node = f->daddr;
	k.backend_port = f->sport;
	k.nat_port = f->dport;
	k.proto = f->proto;
	return bpf_map_lookup_elem(&lb_snat, &k) != NULL;
}

/*
 * Tells lb_nodeport_ingress this packet is translated (LB_XDP_MARK). A driver without metadata support refuses the
 * room; tcx then finds the backend address, which it leaves alone unless the backend's port is a node port.
 */
static __always_inline void lb_xdp_mark(struct xdp_md *ctx)
{
	void *data;
	__u32 *meta;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta)))
		return;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) <= data)
		*meta = LB_XDP_MARK;
}

SEC("xdp")
int lb_nodeport_xdp(struct xdp_md *ctx)
{
	struct lb_np_verdict v = {};
	struct flow f = {};
	int r;

	if (parse_pkt((void *)(long)ctx->data, (void *)(long)ctx->data_end, &f, false))
		return XDP_PASS;
	/* SCTP goes to tcx, whose rewrite updates its CRC32c (lb_sctp.h); this program only knows the Internet checksum. */
	if (f.dsr || f.l4_off != ETH_HLEN + sizeof(struct iphdr) || f.proto == LB_IPPROTO_SCTP)
		return XDP_PASS;
	if (lb_snat_ip4 && f.daddr == lb_snat_ip4 && lb_is_snat_reply(&f))
		return XDP_PASS;
	r = lb_np_decide(ctx, ctx->ingress_ifindex, &f, bpf_ktime_get_ns(), true, &v);
	if (r == LB_NP_DROP)
		return XDP_DROP;
	if (r != LB_NP_DNAT || v.flags) {
		if (r != LB_NP_PASS)
			lb_np_count(LB_NP_STAT_XDP_TO_TCX); /* no backend (tcx reports it), or a remote one */
		return XDP_PASS;
	}
	/* Too short to rewrite here (a TCP header under 20 bytes): tcx finds the entries just made and translates it. */
	if (lb_xdp_dnat(ctx, &f, v.addr, v.port))
		return XDP_PASS;
	lb_np_count(LB_NP_STAT_XDP_DNAT);
	if (v.new_flow)
		lb_emit_nodeport_xdp(ctx, &f, v.addr, v.port);
	lb_xdp_mark(ctx);
	return XDP_PASS;
}

#endif
