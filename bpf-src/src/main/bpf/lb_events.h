/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow events of the Service load balancer, in the common format of observe_event.h, to the ring buffer lb_events:
 *   - a socket hook that translates a ClusterIP connect() (or the first sendmsg() of an unconnected socket to a
 *     frontend) reports OBS_KIND_TRACE / OBS_VERDICT_TRANSLATED, orig_daddr:orig_dport = the VIP, daddr:dport = the
 *     backend, sock_id = socket cookie, pid = the calling process;
 *   - a socket hook that refuses (no ready backend) reports OBS_KIND_DROP / OBS_DROP_NO_BACKEND with the VIP as
 *     destination;
 *   - lb_nodeport_ingress reports the first packet of every flow it translates, and every packet to a frontend
 *     without a usable backend (OBS_DROP_NO_BACKEND: the node stack then refuses it), with ifindex and direction.
 * Established flows and reverse translations (recvmsg, getpeername, NodePort replies) report nothing.
 *
 * Emission never fails the hook: when the ring is full the event is counted in lb_events_lost (slot 0, per CPU)
 * and the connection goes on. Set the .rodata constant lb_flow_events to false before load to compile the
 * emission out of the programs entirely (the verifier removes the dead branch).
 */
#ifndef EBPF4J_LB_EVENTS_H
#define EBPF4J_LB_EVENTS_H

#include "lb_common.h"
#include "observe_skb.h"

/* true: report translations and refusals to lb_events (default); false: nothing is emitted. */
volatile const bool lb_flow_events = true;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} lb_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lb_events_lost SEC(".maps");

/* An event record zeroed and timed, or NULL when the ring is full (counted in lb_events_lost). */
static __always_inline struct observe_event *lb_event_reserve(void)
{
	struct observe_event *e = bpf_ringbuf_reserve(&lb_events, sizeof(*e), 0);

	if (!e) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&lb_events_lost, &zero);

		if (n)
			__sync_fetch_and_add(n, 1);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	return e;
}

/*
 * A socket-level translation (backend != NULL) or refusal (backend == NULL) of frontend vip:vip_port (network
 * order port). A real call, not inlined: it keeps the event code out of the eight hook bodies.
 */
static __noinline void lb_emit_sock(struct bpf_sock_addr *ctx, const struct lb_svc_key *vip,
				    const struct lb_backend *backend, __u64 cookie)
{
	struct observe_event *e = lb_event_reserve();
	struct bpf_sock *sk;

	if (!e)
		return;
	e->family = vip->family;
	e->l4_proto = vip->proto;
	e->direction = OBS_DIR_EGRESS;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->sock_id = cookie;
	/* The source is known only when the socket is already bound (ports are picked later, at connect). */
	sk = ctx->sk;
	if (sk) {
		if (vip->family == LB_AF_INET) {
			__u32 src = sk->src_ip4;

			__builtin_memcpy(e->saddr, &src, 4);
		} else {
			__u32 src6[4] = {sk->src_ip6[0], sk->src_ip6[1], sk->src_ip6[2], sk->src_ip6[3]};

			if (src6[0] == 0 && src6[1] == 0 && src6[2] == bpf_htonl(0xffff)) {
				__builtin_memcpy(e->saddr, &src6[3], 4); /* a dual-stack socket bound to an IPv4 address */
			} else {
				__builtin_memcpy(e->saddr, src6, 16);
			}
		}
		e->sport = sk->src_port;
	}
	if (backend) {
		e->kind = OBS_KIND_TRACE;
		e->verdict = OBS_VERDICT_TRANSLATED;
		__builtin_memcpy(e->daddr, &backend->addr, 16);
		e->dport = bpf_ntohs(backend->port);
		__builtin_memcpy(e->orig_daddr, &vip->addr, 16);
		e->orig_dport = bpf_ntohs(vip->port);
	} else {
		e->kind = OBS_KIND_DROP;
		e->verdict = OBS_VERDICT_DROPPED;
		e->drop_reason = OBS_DROP_NO_BACKEND;
		__builtin_memcpy(e->daddr, &vip->addr, 16);
		e->dport = bpf_ntohs(vip->port);
	}
	obs_submit(&lb_events, e);
}

/* A NodePort translation (backend != 0) or refusal of the packet in skb; daddr/dport are the frontend's. */
static __always_inline void lb_emit_nodeport(struct __sk_buff *skb, __be32 backend, __be16 backend_port)
{
	struct l4_info l = {};
	__u8 b[16] = {}, vip[16] = {};

	if (!lb_flow_events || obs_parse(skb, &l))
		return;
	if (!backend) {
		obs_emit_packet(&lb_events, &lb_events_lost, skb, &l, OBS_KIND_DROP, OBS_VERDICT_DROPPED,
				OBS_DROP_NO_BACKEND, OBS_DIR_INGRESS);
		return;
	}
	__builtin_memcpy(b, &backend, 4);
	__builtin_memcpy(vip, l.daddr, 16);
	obs_emit_translated(&lb_events, &lb_events_lost, skb, &l, OBS_DIR_INGRESS, b, bpf_ntohs(backend_port), vip,
			    l.dport);
}

#endif
