/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Packet parsing and flow event emission for TC programs, shared by the observe programs and by any datapath that
 * reports TRACE/DROP flows (LB, policy). Include after vmlinux.h, bpf_helpers.h and bpf_endian.h.
 *
 *   struct l4_info l;
 *   if (obs_parse(skb, &l) == 0)
 *       obs_emit_packet(&my_ring, &my_lost, skb, &l, OBS_KIND_DROP, OBS_VERDICT_DROPPED, OBS_DROP_POLICY_DENIED,
 *                       OBS_DIR_INGRESS);
 *   obs_emit_translated(&my_ring, &my_lost, skb, &l, OBS_DIR_EGRESS, backend16, 8080, vip16, 80);
 */
#ifndef EBPF4J_OBSERVE_SKB_H
#define EBPF4J_OBSERVE_SKB_H

#include "observe_event.h"

#ifndef ETH_P_IP
#define ETH_P_IP 0x0800
#endif
#ifndef ETH_P_IPV6
#define ETH_P_IPV6 0x86DD
#endif
#ifndef ETH_HLEN
#define ETH_HLEN 14
#endif
#define OBS_AF_INET 2
#define OBS_AF_INET6 10
#define OBS_IPPROTO_TCP 6
#define OBS_IPPROTO_UDP 17

/* Parsed L3/L4 headers of a packet; the payload may be empty for TRACE/DROP events (returns -1 only on L3/L4 errors). */
struct l4_info {
	__u8 family, proto, flags;
	__u8 saddr[16], daddr[16];
	__u16 sport, dport;
	__u32 seq;
	__u32 payload_off, payload_len;
};

static __always_inline int obs_parse(struct __sk_buff *skb, struct l4_info *l)
{
	__u32 off = ETH_HLEN, l4_end;
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)))
			return -1;
		if (ip.frag_off & bpf_htons(0x1FFF)) /* non-first fragment: no L4 header */
			return -1;
		l->family = OBS_AF_INET;
		l->proto = ip.protocol;
		__builtin_memcpy(l->saddr, &ip.saddr, 4);
		__builtin_memcpy(l->daddr, &ip.daddr, 4);
		l4_end = off + bpf_ntohs(ip.tot_len);
		off += ip.ihl * 4;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;
		if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)))
			return -1;
		l->family = OBS_AF_INET6;
		l->proto = ip6.nexthdr; /* extension headers are not followed */
		__builtin_memcpy(l->saddr, &ip6.saddr, 16);
		__builtin_memcpy(l->daddr, &ip6.daddr, 16);
		off += sizeof(ip6);
		l4_end = off + bpf_ntohs(ip6.payload_len);
	} else {
		return -1;
	}
	if (l->proto == OBS_IPPROTO_TCP) {
		struct tcphdr th;
		if (bpf_skb_load_bytes(skb, off, &th, sizeof(th)))
			return -1;
		l->sport = bpf_ntohs(th.source);
		l->dport = bpf_ntohs(th.dest);
		l->seq = bpf_ntohl(th.seq);
		l->flags = ((__u8 *)&th)[13];
		off += th.doff * 4;
	} else if (l->proto == OBS_IPPROTO_UDP) {
		struct udphdr uh;
		if (bpf_skb_load_bytes(skb, off, &uh, sizeof(uh)))
			return -1;
		l->sport = bpf_ntohs(uh.source);
		l->dport = bpf_ntohs(uh.dest);
		off += sizeof(uh);
	} else {
		return -1;
	}
	if (l4_end > skb->len)
		l4_end = skb->len;
	if (off > l4_end)
		return -1;
	l->payload_off = off;
	l->payload_len = l4_end - off;
	return 0;
}

/*
 * Submits a reserved event, waking the reader only once the ring is 1/16 full: a wake-up per event (the default)
 * costs the producer an irq_work and the reader a context switch per record, which on a busy datapath (a connect()
 * through the socket LB takes ~25 us) is most of the reporting cost. A reader that polls with a timeout still gets
 * a trickle of events at its poll interval.
 */
static __always_inline void obs_submit(void *ring, void *e)
{
	__u64 avail = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);
	__u64 size = bpf_ringbuf_query(ring, BPF_RB_RING_SIZE);

	bpf_ringbuf_submit(e, avail >= size / 16 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* What to report besides the parsed headers (see obs_emit_packet / obs_emit_translated). */
struct obs_emit_args {
	__u8 daddr[16];      /* destination to report, network order (IPv4 in the first 4 bytes) */
	__u8 orig_daddr[16]; /* Service VIP before translation, or zeros */
	__u16 dport;         /* destination port to report, host order */
	__u16 orig_dport;    /* Service port before translation, or 0 */
	__u8 kind, verdict, reason, direction;
};

/*
 * Emits a header-only flow event. A real BPF-to-BPF call rather than inlined code: inlined several times into one
 * program, clang 14's BPF backend dropped the destination stores on one of the paths. Reservation failures are
 * counted in slot 0 of lost (a PERCPU_ARRAY of __u64), never silently dropped.
 */
static __noinline void obs_emit(void *ring, void *lost, struct __sk_buff *skb, const struct l4_info *l,
				const struct obs_emit_args *a)
{
	struct observe_event *e = bpf_ringbuf_reserve(ring, sizeof(*e), 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(lost, &zero);
		if (n)
			__sync_fetch_and_add(n, 1);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->kind = a->kind;
	e->verdict = a->verdict;
	e->drop_reason = a->reason;
	e->family = l->family;
	e->l4_proto = l->proto;
	e->tcp_flags = l->flags;
	e->direction = a->direction;
	e->ifindex = skb->ifindex;
	__builtin_memcpy(e->saddr, l->saddr, 16);
	__builtin_memcpy(e->daddr, a->daddr, 16);
	e->sport = l->sport;
	e->dport = a->dport;
	__builtin_memcpy(e->orig_daddr, a->orig_daddr, 16);
	e->orig_dport = a->orig_dport;
	e->sock_id = bpf_get_socket_cookie(skb);
	e->tcp_seq = l->seq;
	obs_submit(ring, e);
}

/* A packet forwarded or dropped as parsed (kind OBS_KIND_TRACE or OBS_KIND_DROP). */
static __always_inline void obs_emit_packet(void *ring, void *lost, struct __sk_buff *skb, const struct l4_info *l,
					    __u8 kind, __u8 verdict, __u8 reason, __u8 direction)
{
	struct obs_emit_args a = {.dport = l->dport, .kind = kind, .verdict = verdict, .reason = reason,
				  .direction = direction};
	__builtin_memcpy(a.daddr, l->daddr, 16);
	obs_emit(ring, lost, skb, l, &a);
}

/*
 * A packet whose destination a Service translated from vip:vip_port (16 bytes, network order; host-order port) to
 * backend:backend_port: reported with the backend as destination and the VIP as the original.
 */
static __always_inline void obs_emit_translated(void *ring, void *lost, struct __sk_buff *skb,
						const struct l4_info *l, __u8 direction, const __u8 *backend,
						__u16 backend_port, const __u8 *vip, __u16 vip_port)
{
	struct obs_emit_args a = {.dport = backend_port, .orig_dport = vip_port, .kind = OBS_KIND_TRACE,
				  .verdict = OBS_VERDICT_TRANSLATED, .direction = direction};
	__builtin_memcpy(a.daddr, backend, 16);
	__builtin_memcpy(a.orig_daddr, vip, 16);
	obs_emit(ring, lost, skb, l, &a);
}

#endif
