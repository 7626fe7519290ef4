/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Conntrack ageing shared by the NodePort (lb_nodeport.h) and policy (policy.bpf.c) datapaths. An entry keeps the
 * time it was last seen and two state bits; its lifetime follows from the protocol and those bits:
 *   TCP, closing (a FIN or RST was seen)            closing timeout      (default 10 s)
 *   TCP, a packet without SYN seen (established)    established timeout  (default 6 h)
 *   TCP, SYN packets only so far                    SYN timeout          (default 60 s)
 *   anything else (UDP, ICMP, ...)                  other timeout        (default 60 s)
 * These are the defaults of Cilium's datapath (CT_CONNECTION_LIFETIME_TCP, CT_SYN_TIMEOUT, CT_CLOSE_TIMEOUT,
 * CT_CONNECTION_LIFETIME_NONTCP). An entry older than its lifetime is expired: the datapath treats it as absent
 * (the packet starts a new flow) whether or not the agent's sweep has deleted it yet. The sweep
 * (dev.ebpf4j.k8s.conntrack) applies the same rules to free the space.
 * A closing entry that sees a SYN without ACK is a new connection reusing the 4-tuple: also treated as absent.
 * Writing last_seen on every packet would dirty a shared cache line per packet: it is written when the state
 * changes or when it is older than the refresh interval (at most a fraction of the shortest lifetime).
 */
#ifndef EBPF4J_CT_AGE_H
#define EBPF4J_CT_AGE_H

#define CT_S_SEEN_NON_SYN 1 /* TCP: a packet without SYN went through (the handshake completed) */
#define CT_S_CLOSING 2      /* TCP: a FIN or RST went through */
#define CT_S_MASK 3

#define CT_TCP_FIN 0x01
#define CT_TCP_SYN 0x02
#define CT_TCP_RST 0x04
#define CT_TCP_ACK 0x10

/* The lifetimes (nanoseconds) and refresh interval, read from each object's .rodata constants. */
struct ct_lifetimes {
	__u64 tcp;
	__u64 tcp_syn;
	__u64 tcp_closing;
	__u64 other;
	__u64 refresh;
};

static __always_inline __u64 ct_lifetime(const struct ct_lifetimes *l, __u8 proto, __u32 state)
{
	if (proto != 6)
		return l->other;
	if (state & CT_S_CLOSING)
		return l->tcp_closing;
	return (state & CT_S_SEEN_NON_SYN) ? l->tcp : l->tcp_syn;
}

/* Whether an entry last seen at last_ns, in state, is gone for a packet with tcp_flags at now. */
static __always_inline bool ct_expired(const struct ct_lifetimes *l, __u8 proto, __u32 state, __u64 last_ns,
				       __u64 now, __u8 tcp_flags)
{
	if (now > last_ns && now - last_ns > ct_lifetime(l, proto, state))
		return true;
	return proto == 6 && (state & CT_S_CLOSING) && (tcp_flags & (CT_TCP_SYN | CT_TCP_ACK)) == CT_TCP_SYN;
}

/* The state after a packet with tcp_flags (0 for other protocols) went through. */
static __always_inline __u32 ct_next_state(__u32 state, __u8 proto, __u8 tcp_flags)
{
	if (proto != 6)
		return state;
	if (!(tcp_flags & CT_TCP_SYN))
		state |= CT_S_SEEN_NON_SYN;
	if (tcp_flags & (CT_TCP_FIN | CT_TCP_RST))
		state |= CT_S_CLOSING;
	return state;
}

/* Whether a live entry must be written: its state changed or last_seen is older than the refresh interval. */
static __always_inline bool ct_needs_refresh(const struct ct_lifetimes *l, __u32 old_state, __u32 new_state,
					     __u64 last_ns, __u64 now)
{
	return old_state != new_state || now - last_ns >= l->refresh;
}

#endif
