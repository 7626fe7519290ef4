// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * NetworkPolicy enforcement on pod interfaces (host side of the pod's veth), IPv4 and IPv6. Addresses in maps are
 * 16 bytes, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d).
 *
 *   policy_from_pod  tcx/ingress on the host veth: packets the pod sends    -> the pod's EGRESS policy
 *   policy_to_pod    tcx/egress  on the host veth: packets sent to the pod  -> the pod's INGRESS policy
 *
 * Per packet: endpoint lookup by the pod's address; if the packet belongs to a tracked connection (same direction,
 * or the reply of a connection accepted in the other direction) it passes, re-checked only when the policy
 * revision changed since the connection was last checked. Otherwise, when the pod is isolated for the direction:
 * ipcache LPM lookup of the peer (label identity + CIDR identity), then the policy LPM trie with the label
 * identity, the CIDR identity and the ANY identity. Ingress from the node's own addresses always passes.
 * Allowed packets continue down the tcx chain (TCX_NEXT); denied ones are counted per reason and dropped. Drops
 * and allowed new connections are reported to the ring buffer policy_flows in the common flow format of
 * observe_event.h (OBS_KIND_DROP / OBS_DROP_POLICY_DENIED, OBS_KIND_TRACE / OBS_VERDICT_FORWARDED); established
 * packets and replies are not. Map layouts are mirrored by dev.ebpf4j.k8s.policy.PolicyMapLayout.
 *
 * ICMP errors (IPv4 destination unreachable, time exceeded, parameter problem; ICMPv6 types 1-4) whose embedded
 * packet belongs to a connection tracked at this pod pass whatever the rules, as Linux conntrack's RELATED state:
 * the error about a packet the pod sent reaches it, the pod's error about a packet it received leaves it. Errors
 * naming no tracked connection are ordinary ICMP packets (port-less, decided by the rules and conntrack as before).
 *
 * Fragments: only the first fragment of a datagram carries the ports. Its verdict is remembered for 30 s in
 * policy_fragments, keyed by addresses, IP identification (IPv6: fragment header id), protocol and hook; later
 * fragments of the same datagram get that verdict. Later fragments whose first fragment was not seen (or came after
 * them) are decided without ports, matching only rules that allow every port of their protocol.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "observe_skb.h"
#include "ct_age.h"

#define AF_INET 2
#define AF_INET6 10
#define NEXTHDR_HOP 0
#define NEXTHDR_ROUTING 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_AUTH 51
#define NEXTHDR_DEST 60
#define MAX_EXT_HEADERS 6
#define IPPROTO_ICMPV6 58
#define ICMP_DEST_UNREACH 3
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMPV6_ERROR_MAX 4 /* types 1-4: destination unreachable, packet too big, time exceeded, parameter problem */
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

#define IDENTITY_ANY 0
#define IDENTITY_HOST 1
#define IDENTITY_WORLD 2

#define DIR_INGRESS 1
#define DIR_EGRESS 2
#define FLAG_INGRESS_ISOLATED 1
#define FLAG_EGRESS_ISOLATED 2

#define DROP_NONE 0
#define DROP_POLICY_EGRESS 1
#define DROP_POLICY_INGRESS 2
#define COUNTER_SLOTS 8

#define FRAG_NONE 0
#define FRAG_FIRST 1
#define FRAG_LATER 2

#define POLICY_PREFIX_FULL 96
#define RULE_NONE 0xffffffffu

struct policy_endpoint {
	__u32 endpoint_id;
	__u32 identity;
	__u32 flags;
};

struct policy_endpoint_key {
	__u32 addr[4]; /* network order; IPv4 mapped */
};

struct policy_ipcache_key {
	__u32 prefixlen;
	__u32 addr[4];
};

struct policy_ipcache_value {
	__u32 identity;
	__u32 cidr_identity;
};

struct policy_key {
	__u32 prefixlen;
	__u32 endpoint;
	__u32 identity;
	__u8 direction;
	__u8 protocol;
	__be16 dport;
};

struct policy_value {
	__u32 rule_id;
};

/* One entry per hook direction: a pod's own connections (EGRESS) and connections it accepted (INGRESS). */
struct policy_ct_key {
	__u32 saddr[4];
	__u32 daddr[4];
	__be16 sport;
	__be16 dport;
	__u8 protocol;
	__u8 direction;
	__u16 pad;
};

/*
 * last_seen_ns: bits 0-61 the time (bpf_ktime_get_ns) the connection was last seen, bits 62-63 its ct_age.h state
 * (CT_S_*). Packed so that the value keeps the 16-byte layout of pins made by older agents (whose entries read as
 * state 0, "SYN only", and take their real state from their next packet).
 */
#define POLICY_CT_STATE_SHIFT 62
#define POLICY_CT_TIME_MASK ((1ULL << POLICY_CT_STATE_SHIFT) - 1)

struct policy_ct_value {
	__u64 last_seen_ns;
	__u32 revision;
	__u32 rule_id;
};

/* The verdict of a fragmented datagram's first fragment, per hook (direction: the hook's DIR_*). */
struct policy_frag_key {
	__u32 saddr[4];
	__u32 daddr[4];
	__u32 id; /* IPv4 identification (16 bits, network order) or IPv6 fragment header identification */
	__u8 protocol;
	__u8 direction;
	__u16 pad;
};

struct policy_frag_value {
	__u64 first_seen_ns;
	__u8 drop_direction; /* 0: allowed; else the DIR_* of the policy that denied it (for counters and events) */
	__u8 pad[7];
};

struct policy_config {
	__u32 revision; /* bumped by the control plane after every map update batch */
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct policy_endpoint_key);
	__type(value, struct policy_endpoint);
} policy_endpoints SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 262144);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct policy_ipcache_key);
	__type(value, struct policy_ipcache_value);
} policy_ipcache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1048576);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct policy_key);
	__type(value, struct policy_value);
} policy_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct policy_ct_key);
	__type(value, struct policy_ct_value);
} policy_conntrack SEC(".maps");

/* Datagrams in flight in fragments are few; an LRU keeps a flood of first fragments from pinning entries. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct policy_frag_key);
	__type(value, struct policy_frag_value);
} policy_fragments SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct policy_config);
} policy_config SEC(".maps");

/* Index 0 counts allowed new connections, index N drops with reason N. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, COUNTER_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} policy_counters SEC(".maps");

/* Flow events in the common format of observe_event.h; reservation failures counted in policy_flows_lost. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} policy_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} policy_flows_lost SEC(".maps");

/* true: report drops and allowed new connections to policy_flows (default); false: compile reporting out. */
volatile const bool policy_flow_events = true;
/* Conntrack lifetimes (ct_age.h), nanoseconds; set by the loader from PolicyEnforcerConfig's ConntrackTimeouts. */
volatile const __u64 policy_ct_tcp_ns = 21600ULL * 1000000000ULL;
volatile const __u64 policy_ct_tcp_syn_ns = 60ULL * 1000000000ULL;
volatile const __u64 policy_ct_tcp_closing_ns = 10ULL * 1000000000ULL;
volatile const __u64 policy_ct_other_ns = 60ULL * 1000000000ULL;
volatile const __u64 policy_ct_refresh_ns = 1000000000ULL;
/* How long a first fragment's verdict holds for the rest of its datagram: Linux's reassembly timeout (ipfrag_time). */
volatile const __u64 policy_frag_ns = 30ULL * 1000000000ULL;

/* The packet an ICMP error embeds (its first 8 L4 bytes give the ports), in policy_ct_key terms. */
struct embedded {
	__u32 saddr[4];
	__u32 daddr[4];
	__be16 sport;
	__be16 dport;
	__u8 protocol;
};

struct packet {
	__u32 saddr[4];
	__u32 daddr[4];
	__be16 sport;
	__be16 dport;
	__u8 protocol;
	__u8 icmp_type;
	__u16 family;
	__u8 tcp_flags;
	__u8 frag;       /* FRAG_* */
	__u8 icmp_error; /* an ICMP error whose embedded packet is in inner */
	__u32 frag_id;
	struct embedded inner;
};

static __always_inline void map_v4(__u32 *dst, __be32 v4)
{
	dst[0] = 0;
	dst[1] = 0;
	dst[2] = bpf_htonl(0x0000ffff);
	dst[3] = v4;
}

static __always_inline void copy6(__u32 *dst, const struct in6_addr *a)
{
	dst[0] = a->in6_u.u6_addr32[0];
	dst[1] = a->in6_u.u6_addr32[1];
	dst[2] = a->in6_u.u6_addr32[2];
	dst[3] = a->in6_u.u6_addr32[3];
}

/* The ports of an embedded packet's L4 header (0 for protocols without ports, as conntrack keys them). */
static __always_inline bool parse_inner_ports(void *l4, void *data_end, struct embedded *in)
{
	if (in->protocol == IPPROTO_TCP || in->protocol == IPPROTO_UDP || in->protocol == IPPROTO_SCTP) {
		__be16 *ports = l4;
		if ((void *)(ports + 2) > data_end)
			return false;
		in->sport = ports[0];
		in->dport = ports[1];
	}
	return true;
}

/* An ICMP error's embedded IPv4 header and first 8 bytes; an error about a later fragment names no flow. */
static __always_inline void parse_icmp4_error(void *body, void *data_end, struct packet *pkt)
{
	struct iphdr *ip = body;

	if ((void *)(ip + 1) > data_end || ip->version != 4 || ip->ihl < 5 || (ip->frag_off & bpf_htons(IP_OFFSET)))
		return;
	map_v4(pkt->inner.saddr, ip->saddr);
	map_v4(pkt->inner.daddr, ip->daddr);
	pkt->inner.protocol = ip->protocol;
	pkt->icmp_error = parse_inner_ports(body + ip->ihl * 4, data_end, &pkt->inner);
}

/* An ICMPv6 error's embedded IPv6 header and first 8 bytes (an embedded packet with extension headers is not followed). */
static __always_inline void parse_icmp6_error(void *body, void *data_end, struct packet *pkt)
{
	struct ipv6hdr *ip6 = body;

	if ((void *)(ip6 + 1) > data_end || ip6->version != 6)
		return;
	copy6(pkt->inner.saddr, &ip6->saddr);
	copy6(pkt->inner.daddr, &ip6->daddr);
	pkt->inner.protocol = ip6->nexthdr;
	pkt->icmp_error = parse_inner_ports(ip6 + 1, data_end, &pkt->inner);
}

/*
 * Reads source and destination port (TCP, UDP, SCTP all start with them) or the ICMP type, and the packet an ICMP
 * error embeds (after the 8-byte ICMP header).
 */
static __always_inline int parse_l4(void *l4, void *data_end, struct packet *pkt)
{
	if (pkt->protocol == IPPROTO_TCP || pkt->protocol == IPPROTO_UDP || pkt->protocol == IPPROTO_SCTP) {
		__be16 *ports = l4;
		if ((void *)(ports + 2) > data_end)
			return -1;
		pkt->sport = ports[0];
		pkt->dport = ports[1];
		if (pkt->protocol == IPPROTO_TCP && l4 + 14 <= data_end)
			pkt->tcp_flags = ((__u8 *)l4)[13];
	} else if (pkt->protocol == IPPROTO_ICMPV6 || pkt->protocol == IPPROTO_ICMP) {
		__u8 *type = l4;
		if ((void *)(type + 1) > data_end)
			return pkt->protocol == IPPROTO_ICMP ? 0 : -1; /* IPv4: as before, decided without a type */
		pkt->icmp_type = *type;
		if (pkt->frag != FRAG_NONE)
			return 0;
		if (pkt->protocol == IPPROTO_ICMP && (*type == ICMP_DEST_UNREACH || *type == ICMP_TIME_EXCEEDED
						      || *type == ICMP_PARAMETERPROB))
			parse_icmp4_error(l4 + 8, data_end, pkt);
		else if (pkt->protocol == IPPROTO_ICMPV6 && *type >= 1 && *type <= ICMPV6_ERROR_MAX)
			parse_icmp6_error(l4 + 8, data_end, pkt);
	}
	return 0;
}

static __always_inline int parse_ipv6(void *l3, void *data_end, struct packet *pkt)
{
	struct ipv6hdr *ip6 = l3;
	void *cursor;
	__u8 next;

	if ((void *)(ip6 + 1) > data_end)
		return -1;
	copy6(pkt->saddr, &ip6->saddr);
	copy6(pkt->daddr, &ip6->daddr);
	pkt->family = AF_INET6;
	next = ip6->nexthdr;
	cursor = ip6 + 1;
	for (int i = 0; i < MAX_EXT_HEADERS; i++) {
		__u8 *hdr = cursor;

		if (next != NEXTHDR_HOP && next != NEXTHDR_ROUTING && next != NEXTHDR_DEST && next != NEXTHDR_FRAGMENT
		    && next != NEXTHDR_AUTH)
			break;
		if ((void *)(hdr + 8) > data_end)
			return -1;
		if (next == NEXTHDR_FRAGMENT) {
			__be16 off = *(__be16 *)(hdr + 2);

			pkt->frag_id = *(__u32 *)(hdr + 4);
			if (off & bpf_htons(0xfff8)) {
				pkt->frag = FRAG_LATER;
				pkt->protocol = hdr[0];
				return 0; /* a later fragment: no ports */
			}
			if (off & bpf_htons(1))
				pkt->frag = FRAG_FIRST; /* offset 0 with more to come; without M it is an atomic fragment */
			next = hdr[0];
			cursor = hdr + 8;
		} else if (next == NEXTHDR_AUTH) {
			next = hdr[0];
			cursor = hdr + (hdr[1] + 2) * 4;
		} else {
			next = hdr[0];
			cursor = hdr + (hdr[1] + 1) * 8;
		}
	}
	pkt->protocol = next;
	return parse_l4(cursor, data_end, pkt);
}

static __always_inline int parse(struct __sk_buff *skb, struct packet *pkt)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;

	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memset(pkt, 0, sizeof(*pkt));
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return parse_ipv6(eth + 1, data_end, pkt);
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl < 5)
		return -1;
	map_v4(pkt->saddr, ip->saddr);
	map_v4(pkt->daddr, ip->daddr);
	pkt->family = AF_INET;
	pkt->protocol = ip->protocol;
	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET)) {
		pkt->frag_id = ip->id;
		pkt->frag = (ip->frag_off & bpf_htons(IP_OFFSET)) ? FRAG_LATER : FRAG_FIRST;
	}
	if (pkt->frag == FRAG_LATER)
		return 0; /* later fragments carry no ports: their first fragment's verdict, or port-less entries */
	return parse_l4((void *)ip + ip->ihl * 4, data_end, pkt);
}

static __always_inline __u32 lookup_rule(__u32 endpoint, __u32 identity, __u8 direction, __u8 protocol,
					 __be16 dport)
{
	struct policy_key key = {
		.prefixlen = POLICY_PREFIX_FULL,
		.endpoint = endpoint,
		.identity = identity,
		.direction = direction,
		.protocol = protocol,
		.dport = dport,
	};
	struct policy_value *v = bpf_map_lookup_elem(&policy_rules, &key);

	return v ? v->rule_id : RULE_NONE;
}

/* Returns the allowing rule id, RULE_NONE when denied; peer_identity receives the peer's label identity. */
static __always_inline __u32 policy_allows(const struct policy_endpoint *ep, const __u32 *peer, __u8 direction,
					   __u8 protocol, __be16 dport, __u32 *peer_identity)
{
	struct policy_ipcache_key ikey = { .prefixlen = 128 };
	struct policy_ipcache_value *ident;

	ikey.addr[0] = peer[0];
	ikey.addr[1] = peer[1];
	ikey.addr[2] = peer[2];
	ikey.addr[3] = peer[3];
	ident = bpf_map_lookup_elem(&policy_ipcache, &ikey);
	__u32 identity = ident ? ident->identity : IDENTITY_WORLD;
	__u32 cidr = ident ? ident->cidr_identity : 0;
	__u32 rule;

	*peer_identity = identity;
	if (direction == DIR_INGRESS && identity == IDENTITY_HOST)
		return 0;
	rule = lookup_rule(ep->endpoint_id, identity, direction, protocol, dport);
	if (rule == RULE_NONE && cidr)
		rule = lookup_rule(ep->endpoint_id, cidr, direction, protocol, dport);
	if (rule == RULE_NONE)
		rule = lookup_rule(ep->endpoint_id, IDENTITY_ANY, direction, protocol, dport);
	return rule;
}

static __always_inline void policy_lifetimes(struct ct_lifetimes *l)
{
	l->tcp = policy_ct_tcp_ns;
	l->tcp_syn = policy_ct_tcp_syn_ns;
	l->tcp_closing = policy_ct_tcp_closing_ns;
	l->other = policy_ct_other_ns;
	l->refresh = policy_ct_refresh_ns;
}

/* Whether a tracked connection is over for this packet (ct_age.h): then it is treated as absent. */
static __always_inline bool policy_ct_gone(const struct ct_lifetimes *l, const struct policy_ct_value *ct,
					   const struct packet *pkt, __u64 now)
{
	__u64 seen = ct->last_seen_ns;

	return ct_expired(l, pkt->protocol, seen >> POLICY_CT_STATE_SHIFT, seen & POLICY_CT_TIME_MASK, now,
			  pkt->tcp_flags);
}

/* Refreshes a live connection's time and state (only when the state changed or the time is stale). */
static __always_inline void policy_ct_seen(const struct ct_lifetimes *l, struct policy_ct_value *ct,
					   const struct packet *pkt, __u64 now)
{
	__u64 seen = ct->last_seen_ns;
	__u32 state = seen >> POLICY_CT_STATE_SHIFT;
	__u32 next = ct_next_state(state, pkt->protocol, pkt->tcp_flags);

	if (ct_needs_refresh(l, state, next, seen & POLICY_CT_TIME_MASK, now))
		ct->last_seen_ns = (now & POLICY_CT_TIME_MASK) | (__u64)next << POLICY_CT_STATE_SHIFT;
}

static __always_inline __u32 current_revision(void)
{
	__u32 zero = 0;
	struct policy_config *cfg = bpf_map_lookup_elem(&policy_config, &zero);

	return cfg ? cfg->revision : 0;
}

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&policy_counters, &slot);

	if (c)
		*c += 1;
}

/*
 * Reports a verdict in the common flow format. direction is the pod's policy that decided (EGRESS: the pod sent
 * the packet), in observe_event.h's terms.
 */
static __always_inline void report(struct __sk_buff *skb, const struct packet *pkt, __u8 direction, bool dropped)
{
	struct obs_emit_args a = {.kind = dropped ? OBS_KIND_DROP : OBS_KIND_TRACE,
				  .verdict = dropped ? OBS_VERDICT_DROPPED : OBS_VERDICT_FORWARDED,
				  .reason = dropped ? OBS_DROP_POLICY_DENIED : OBS_DROP_NONE,
				  .direction = direction == DIR_EGRESS ? OBS_DIR_EGRESS : OBS_DIR_INGRESS,
				  .dport = bpf_ntohs(pkt->dport)};
	struct l4_info l = {.proto = pkt->protocol, .flags = pkt->tcp_flags, .sport = bpf_ntohs(pkt->sport),
			    .dport = bpf_ntohs(pkt->dport)};

	if (!policy_flow_events)
		return;
	if (pkt->family == AF_INET) {
		l.family = OBS_AF_INET;
		__builtin_memcpy(l.saddr, &pkt->saddr[3], 4);
		__builtin_memcpy(a.daddr, &pkt->daddr[3], 4);
	} else {
		l.family = OBS_AF_INET6;
		__builtin_memcpy(l.saddr, pkt->saddr, 16);
		__builtin_memcpy(a.daddr, pkt->daddr, 16);
	}
	__builtin_memcpy(l.daddr, a.daddr, 16);
	obs_emit(&policy_flows, &policy_flows_lost, skb, &l, &a);
}

static __always_inline bool same_addr(const __u32 *a, const __u32 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/* Whether a tracked connection is live and was accepted under the current policy (or its direction is open). */
static __always_inline bool related_to(const struct policy_ct_key *key, const struct policy_endpoint *ep,
				       __u32 revision, const struct ct_lifetimes *l, __u64 now)
{
	struct policy_ct_value *ct = bpf_map_lookup_elem(&policy_conntrack, key);
	__u32 flag = key->direction == DIR_EGRESS ? FLAG_EGRESS_ISOLATED : FLAG_INGRESS_ISOLATED;
	__u64 seen;

	if (!ct)
		return false;
	seen = ct->last_seen_ns;
	if (ct_expired(l, key->protocol, seen >> POLICY_CT_STATE_SHIFT, seen & POLICY_CT_TIME_MASK, now, 0))
		return false;
	/* Accepted under an older policy: its own next packet re-checks it; until then the rules decide the error. */
	return ct->revision == revision || !(ep->flags & flag);
}

/*
 * Whether an ICMP error is about a connection tracked at this pod. The embedded packet is one the pod sent (the error
 * travels to it, hook INGRESS: embedded source is the pod) or one it received (the pod reports it, hook EGRESS:
 * embedded destination is the pod); that packet went either in the connection's own direction (key as embedded,
 * tracked at the pod's other hook) or as its reply (key reversed, tracked at this hook's direction).
 */
static __always_inline bool icmp_related(const struct packet *pkt, const struct policy_endpoint *ep,
					 const __u32 *local, __u8 direction, __u8 other, __u32 revision,
					 const struct ct_lifetimes *l, __u64 now)
{
	const struct embedded *in = &pkt->inner;
	struct policy_ct_key key = {};

	if (!same_addr(direction == DIR_INGRESS ? in->saddr : in->daddr, local))
		return false;
	__builtin_memcpy(key.saddr, in->saddr, 16);
	__builtin_memcpy(key.daddr, in->daddr, 16);
	key.sport = in->sport;
	key.dport = in->dport;
	key.protocol = in->protocol;
	key.direction = other;
	if (related_to(&key, ep, revision, l, now))
		return true;
	__builtin_memcpy(key.saddr, in->daddr, 16);
	__builtin_memcpy(key.daddr, in->saddr, 16);
	key.sport = in->dport;
	key.dport = in->sport;
	key.direction = direction;
	return related_to(&key, ep, revision, l, now);
}

static __always_inline void frag_key(struct policy_frag_key *k, const struct packet *pkt, __u8 hook)
{
	__builtin_memcpy(k->saddr, pkt->saddr, 16);
	__builtin_memcpy(k->daddr, pkt->daddr, 16);
	k->id = pkt->frag_id;
	k->protocol = pkt->protocol;
	k->direction = hook;
}

/* Remembers a first fragment's verdict for the later fragments of its datagram (no-op for unfragmented packets). */
static __always_inline void remember_fragment(const struct packet *pkt, __u8 hook, __u8 drop_direction, __u64 now)
{
	struct policy_frag_key k = {};
	struct policy_frag_value v = { .first_seen_ns = now, .drop_direction = drop_direction };

	if (pkt->frag != FRAG_FIRST)
		return;
	frag_key(&k, pkt, hook);
	bpf_map_update_elem(&policy_fragments, &k, &v, BPF_ANY);
}

/* The verdict remembered for a later fragment's datagram: NULL when its first fragment was not seen in time. */
static __always_inline struct policy_frag_value *fragment_verdict(const struct packet *pkt, __u8 hook, __u64 now)
{
	struct policy_frag_key k = {};
	struct policy_frag_value *v;

	frag_key(&k, pkt, hook);
	v = bpf_map_lookup_elem(&policy_fragments, &k);
	if (!v || (now > v->first_seen_ns && now - v->first_seen_ns > policy_frag_ns))
		return NULL;
	return v;
}

/*
 * direction: which policy of the local pod applies (EGRESS: the pod is the source; INGRESS: the destination).
 */
static __always_inline int enforce(struct __sk_buff *skb, __u8 direction)
{
	struct packet pkt;
	struct policy_endpoint *ep;
	struct policy_ct_key fwd = {}, rev = {};
	struct policy_endpoint_key local;
	struct policy_ct_value *ct;
	struct ct_lifetimes lt;
	const __u32 *peer;
	__u64 now;
	__u32 revision, rule, peer_identity = IDENTITY_WORLD, isolated_flag;
	__u8 other = direction == DIR_EGRESS ? DIR_INGRESS : DIR_EGRESS;
	const __u8 hook = direction; /* direction may turn to other below, for the report of a denied reply */

	if (parse(skb, &pkt) < 0)
		return TCX_NEXT;
	/* IPv6 neighbour discovery (RS, RA, NS, NA, redirect) keeps the link working whatever the policy. */
	if (pkt.protocol == IPPROTO_ICMPV6 && pkt.icmp_type >= 133 && pkt.icmp_type <= 137)
		return TCX_NEXT;
	if (direction == DIR_EGRESS) {
		__builtin_memcpy(local.addr, pkt.saddr, 16);
		peer = pkt.daddr;
	} else {
		__builtin_memcpy(local.addr, pkt.daddr, 16);
		peer = pkt.saddr;
	}
	ep = bpf_map_lookup_elem(&policy_endpoints, &local);
	if (!ep)
		return TCX_NEXT;
	isolated_flag = direction == DIR_EGRESS ? FLAG_EGRESS_ISOLATED : FLAG_INGRESS_ISOLATED;
	revision = current_revision();
	policy_lifetimes(&lt);
	now = bpf_ktime_get_ns();

	if (pkt.frag == FRAG_LATER) {
		struct policy_frag_value *fv = fragment_verdict(&pkt, hook, now);

		if (fv) {
			if (!fv->drop_direction)
				return TCX_NEXT;
			direction = fv->drop_direction;
			goto denied;
		}
	}
	if (pkt.icmp_error && icmp_related(&pkt, ep, local.addr, direction, other, revision, &lt, now))
		return TCX_NEXT;

	__builtin_memcpy(fwd.saddr, pkt.saddr, 16);
	__builtin_memcpy(fwd.daddr, pkt.daddr, 16);
	fwd.sport = pkt.sport;
	fwd.dport = pkt.dport;
	fwd.protocol = pkt.protocol;
	fwd.direction = direction;

	ct = bpf_map_lookup_elem(&policy_conntrack, &fwd);
	if (ct && policy_ct_gone(&lt, ct, &pkt, now))
		ct = NULL; /* expired, collected or not: decided anew (and overwritten) as a new connection */
	if (ct) {
		if (ct->revision == revision || !(ep->flags & isolated_flag))
			goto established;
		rule = policy_allows(ep, peer, direction, pkt.protocol, pkt.dport, &peer_identity);
		if (rule != RULE_NONE)
			goto established;
		bpf_map_delete_elem(&policy_conntrack, &fwd);
		goto denied;
	}
	/* A reply: the packet reverses a connection this pod's other hook accepted. */
	__builtin_memcpy(rev.saddr, pkt.daddr, 16);
	__builtin_memcpy(rev.daddr, pkt.saddr, 16);
	rev.sport = pkt.dport;
	rev.dport = pkt.sport;
	rev.protocol = pkt.protocol;
	rev.direction = other;
	ct = bpf_map_lookup_elem(&policy_conntrack, &rev);
	if (ct && policy_ct_gone(&lt, ct, &pkt, now))
		ct = NULL;
	if (ct) {
		__u32 other_flag = other == DIR_EGRESS ? FLAG_EGRESS_ISOLATED : FLAG_INGRESS_ISOLATED;

		if (ct->revision == revision || !(ep->flags & other_flag))
			goto established;
		/* Re-check the original connection: same peer, its destination port is this packet's source port. */
		rule = policy_allows(ep, peer, other, pkt.protocol, pkt.sport, &peer_identity);
		if (rule != RULE_NONE)
			goto established;
		bpf_map_delete_elem(&policy_conntrack, &rev);
		direction = other;
		goto denied;
	}

	if (ep->flags & isolated_flag) {
		rule = policy_allows(ep, peer, direction, pkt.protocol, pkt.dport, &peer_identity);
		if (rule == RULE_NONE)
			goto denied;
	} else {
		rule = RULE_NONE;
	}
	{
		__u64 state = ct_next_state(0, pkt.protocol, pkt.tcp_flags);
		struct policy_ct_value nv = { .last_seen_ns = (now & POLICY_CT_TIME_MASK) | state << POLICY_CT_STATE_SHIFT,
					      .revision = revision, .rule_id = rule };

		bpf_map_update_elem(&policy_conntrack, &fwd, &nv, BPF_ANY);
	}
	count(DROP_NONE);
	report(skb, &pkt, direction, false);
	remember_fragment(&pkt, hook, 0, now);
	return TCX_NEXT;

established:
	policy_ct_seen(&lt, ct, &pkt, now);
	if (ct->revision != revision)
		ct->revision = revision;
	remember_fragment(&pkt, hook, 0, now);
	return TCX_NEXT;

denied: {
	remember_fragment(&pkt, hook, direction, now);
	count(direction == DIR_EGRESS ? DROP_POLICY_EGRESS : DROP_POLICY_INGRESS);
	report(skb, &pkt, direction, true);
	return TCX_DROP;
}
}

SEC("tcx/ingress")
int policy_from_pod(struct __sk_buff *skb)
{
	return enforce(skb, DIR_EGRESS);
}

SEC("tcx/egress")
int policy_to_pod(struct __sk_buff *skb)
{
	return enforce(skb, DIR_INGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
