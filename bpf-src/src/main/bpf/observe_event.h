/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Flow event record shared by every ebpf4j datapath program that reports to user space
 * (TCP state tracepoints, L7 capture on pod interfaces, the Service LB and NetworkPolicy programs).
 * Decoded in Java by dev.ebpf4j.k8s.observe.FlowDecoder; keep both in step.
 *
 * Layout (little-endian host order unless noted; 104 bytes, 8-byte aligned):
 *   off size field
 *     0    8 ts_ns        bpf_ktime_get_ns() (CLOCK_MONOTONIC)
 *     8    1 kind         OBS_KIND_*  (what produced the event)
 *     9    1 verdict      OBS_VERDICT_*
 *    10    1 drop_reason  OBS_DROP_* (0 when not dropped)
 *    11    1 family       AF_INET (2) or AF_INET6 (10)
 *    12    1 l4_proto     IPPROTO_TCP (6), IPPROTO_UDP (17), IPPROTO_ICMP (1), ...
 *    13    1 tcp_flags    FIN=0x01 SYN=0x02 RST=0x04 PSH=0x08 ACK=0x10 URG=0x20 ECE=0x40 CWR=0x80
 *    14    1 direction    OBS_DIR_*
 *    15    1 subtype      per kind: OBS_TCP_* for OBS_KIND_SOCK, OBS_L7_* for OBS_KIND_L7
 *    16    4 ifindex      interface the packet was seen on (0 for socket events)
 *    20    4 pid          tgid of the current task when known, else 0
 *    24   16 saddr        source address, network order; IPv4 in the first 4 bytes
 *    40   16 daddr        destination address, network order; IPv4 in the first 4 bytes
 *    56    2 sport        source port, host order
 *    58    2 dport        destination port, host order
 *    60    2 orig_dport   destination port before Service translation, host order (0 if none)
 *    62    2 payload_len  bytes of payload that follow the header (0..OBS_PAYLOAD_MAX)
 *    64   16 orig_daddr   destination address before Service translation (VIP), network order
 *    80    8 sock_id      kernel socket address or cookie: stable per connection, 0 if unknown
 *    88    8 latency_ns   handshake latency for OBS_TCP_ESTABLISHED, else 0
 *    96    4 tcp_seq      TCP sequence number of the captured segment (L7), host order
 *   100    1 old_state    TCP state before the transition (OBS_KIND_SOCK)
 *   101    1 new_state    TCP state after the transition (OBS_KIND_SOCK)
 *   102    2 sk_err       socket error at the transition (ECONNREFUSED, ETIMEDOUT, ECONNRESET, ...)
 *   104    n payload      only in struct observe_l7_event: first bytes of the L4 payload
 *
 * A producer reserves sizeof(struct observe_event) for header-only events, or
 * sizeof(struct observe_l7_event) when it copies payload; readers use payload_len, not the record size.
 *
 * Producers and their rings (each with a PERCPU_ARRAY lost counter, slot 0, for failed reservations):
 *   observe_tcp.bpf.c  observe_events / observe_lost          OBS_KIND_SOCK
 *   observe_l7.bpf.c   observe_l7_events / observe_l7_lost    OBS_KIND_L7
 *   lb_datapath.bpf.c  lb_events / lb_events_lost            OBS_KIND_TRACE translated, OBS_KIND_DROP no-backend
 *   policy.bpf.c       policy_flows / policy_flows_lost      OBS_KIND_TRACE forwarded (new connections),
 *                                                            OBS_KIND_DROP policy-denied
 * direction: for policy verdicts, the pod policy that decided (EGRESS: the pod sent the packet); for the L7 capture
 * and NodePort, the tcx hook of ifindex; OBS_DIR_EGRESS for socket-LB events (the socket is sending).
 */
#ifndef EBPF4J_OBSERVE_EVENT_H
#define EBPF4J_OBSERVE_EVENT_H

#define OBS_PAYLOAD_MAX 256

enum obs_kind {
	OBS_KIND_TRACE = 1, /* packet forwarded or translated by a datapath program */
	OBS_KIND_DROP = 2,  /* packet dropped by a datapath program */
	OBS_KIND_SOCK = 3,  /* TCP socket lifecycle (tracepoints) */
	OBS_KIND_L7 = 4,    /* captured application payload (HTTP, DNS) */
};

enum obs_verdict {
	OBS_VERDICT_UNKNOWN = 0,
	OBS_VERDICT_FORWARDED = 1,
	OBS_VERDICT_DROPPED = 2,
	OBS_VERDICT_TRANSLATED = 3,
};

enum obs_drop_reason {
	OBS_DROP_NONE = 0,
	OBS_DROP_POLICY_DENIED = 1,
	OBS_DROP_NO_BACKEND = 2,
	OBS_DROP_INVALID_PACKET = 3,
	OBS_DROP_CT_INVALID = 4,
	OBS_DROP_UNSUPPORTED_L3 = 5,
	OBS_DROP_MAP_FULL = 6,
};

enum obs_direction {
	OBS_DIR_UNKNOWN = 0,
	OBS_DIR_INGRESS = 1,
	OBS_DIR_EGRESS = 2,
};

enum obs_tcp_event {
	OBS_TCP_CONNECT = 1,     /* CLOSE -> SYN_SENT */
	OBS_TCP_ESTABLISHED = 2, /* SYN_SENT -> ESTABLISHED, latency_ns = handshake time */
	OBS_TCP_ACCEPTED = 3,    /* SYN_RECV -> ESTABLISHED (server side) */
	OBS_TCP_CLOSE = 4,       /* closed without a socket error (orderly close, or aborted locally) */
	OBS_TCP_REFUSED = 5,     /* SYN_SENT -> CLOSE with ECONNREFUSED (RST answered the SYN) */
	OBS_TCP_TIMEOUT = 6,     /* closed with ETIMEDOUT */
	OBS_TCP_RESET = 7,       /* closed with ECONNRESET / EPIPE */
	OBS_TCP_RETRANSMIT = 8,  /* tcp:tcp_retransmit_skb */
	OBS_TCP_ERROR = 9,       /* closed with another socket error (sk_err says which, e.g. EHOSTUNREACH) */
};

enum obs_l7_event {
	OBS_L7_TCP_PAYLOAD = 1, /* first bytes of a TCP segment that looked like HTTP */
	OBS_L7_DNS = 2,         /* a UDP/53 message */
};

struct observe_event {
	__u64 ts_ns;
	__u8 kind;
	__u8 verdict;
	__u8 drop_reason;
	__u8 family;
	__u8 l4_proto;
	__u8 tcp_flags;
	__u8 direction;
	__u8 subtype;
	__u32 ifindex;
	__u32 pid;
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 orig_dport;
	__u16 payload_len;
	__u8 orig_daddr[16];
	__u64 sock_id;
	__u64 latency_ns;
	__u32 tcp_seq;
	__u8 old_state;
	__u8 new_state;
	__u16 sk_err;
};

struct observe_l7_event {
	struct observe_event hdr;
	__u8 payload[OBS_PAYLOAD_MAX];
};

#endif
