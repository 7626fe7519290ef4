/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TC load balancing for traffic that reaches the node from outside: NodePorts, externalIPs and load-balancer
 * IPs (IPv4, TCP, UDP and SCTP). lb_nodeport_ingress (tcx ingress of the node's external interface) DNATs a new flow
 * to a backend and records it in an LRU connection-tracking map; lb_nodeport_reply (tcx egress of the same
 * interface) rewrites the replies' source back to the address and port the client used. The reply rewrite
 * must run after routing: a forwarded packet whose source is already a node address would be dropped as a
 * martian on input.
 * A frontend without a usable backend is passed up unchanged: for a node port the node's own stack then
 * answers with a TCP RST or ICMP port unreachable, so clients are refused at once instead of timing out.
 * New translations and refusals are reported to lb_events (lb_events.h). Fragmented datagrams are translated
 * whole: the first fragment's ports are kept in lb_frag for the fragments after it. The XDP program in front of
 * lb_nodeport_ingress (lb_nodeport_xdp.h, optional) shares lb_np_decide and the conntrack with it.
 *
 * Remote backends (reached back out through the device the request came in on, as the FIB says) need the reply
 * to come back through this node, or to carry the frontend to the backend's node:
 * - SNAT (lb_snat_ip4 set, lb_dsr false): the source becomes this node's address and a port from 32768-65535
 *   (the client's own port when it is in that range and free); lb_snat maps the reply back. Both directions are
 *   redirected out of the device, since the stack would drop a forwarded packet whose source is its own address.
 * - DSR (lb_dsr true): the client's address stays; the frontend (address, port) rides in an IPv4 option of type
 *   LB_DSR_OPT_TYPE (RFC 4727's experimental option 30, copied on fragmentation) on a TCP SYN and on every UDP
 *   datagram and SCTP packet. The backend's node, running the same program, records the frontend for the reply (an lb_ct reply
 *   entry) and its egress program answers the client directly from the frontend's address. The option costs 8
 *   bytes: UDP datagrams must fit the underlay MTU minus 8.
 * With neither, remote backends are DNATed only (replies then bypass this node: a single-node setup).
 */
#ifndef EBPF4J_LB_NODEPORT_H
#define EBPF4J_LB_NODEPORT_H

#include "lb_common.h"
#include "lb_events.h"
#include "ct_age.h"
#include "lb_src_ranges.h"

#define ETH_P_IP 0x0800
#define ETH_HLEN 14
#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define IP_SRC_OFF (ETH_HLEN + offsetof(struct iphdr, saddr))
#define IP_DST_OFF (ETH_HLEN + offsetof(struct iphdr, daddr))
#define LB_IPPROTO_TCP 6
#define LB_IPPROTO_UDP 17
#include "lb_sctp.h" /* after ETH_HLEN */

#define LB_CT_FORWARD 0
#define LB_CT_REPLY 1

#define LB_CT_F_SNAT 1 /* forward entry: also rewrite the source to lb_snat_ip4:nat_port and redirect */
#define LB_CT_F_DSR 2  /* forward entry: redirect to the backend's node with the frontend in an IP option */
#define LB_CT_STATE_SHIFT 8 /* lb_ct.flags bits 8-9: the ct_age.h state (CT_S_*) */

#define LB_DSR_OPT_TYPE 0x9e /* copied flag | class 0 | number 30 (RFC 4727 experimental) */
#define LB_DSR_OPT_LEN 8
#define LB_SNAT_PORT_MIN 32768 /* above the NodePort range */
#define LB_SNAT_PORT_SPAN 32768

/* Set by the loader before load: this node's IPv4 address for SNAT to remote backends (0: no SNAT). */
volatile const __be32 lb_snat_ip4 = 0;
/* Forward to remote backends with DSR instead of SNAT. */
volatile const bool lb_dsr = false;
/* Conntrack lifetimes (ct_age.h), nanoseconds; set by the loader from LbConfig's ConntrackTimeouts. */
volatile const __u64 lb_ct_tcp_ns = 21600ULL * 1000000000ULL;
volatile const __u64 lb_ct_tcp_syn_ns = 60ULL * 1000000000ULL;
volatile const __u64 lb_ct_tcp_closing_ns = 10ULL * 1000000000ULL;
volatile const __u64 lb_ct_other_ns = 60ULL * 1000000000ULL;
volatile const __u64 lb_ct_refresh_ns = 1000000000ULL;

#define LB_CT_LIFETIMES                                                                                          \
	{                                                                                                        \
		.tcp = lb_ct_tcp_ns, .tcp_syn = lb_ct_tcp_syn_ns, .tcp_closing = lb_ct_tcp_closing_ns,           \
		.other = lb_ct_other_ns, .refresh = lb_ct_refresh_ns                                             \
	}

/* lb_ct key (16 bytes): a flow as seen on the wire in one direction. */
struct lb_ct_key {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 dir; /* LB_CT_FORWARD: client -> frontend; LB_CT_REPLY: backend -> client */
	__u16 pad;
};

/* lb_ct value (24 bytes): forward entries hold the backend, reply entries the frontend to restore. */
struct lb_ct {
	__be32 addr;
	__be16 port;
	__be16 nat_port; /* LB_CT_F_SNAT: the source port towards the backend */
	__u32 backend_id;
	__u32 flags;     /* LB_CT_F_*, and the ct_age.h state at LB_CT_STATE_SHIFT */
	__u64 last_seen_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct lb_ct_key);
	__type(value, struct lb_ct);
} lb_ct SEC(".maps");

/* lb_snat key (16 bytes): a SNATed reply as it arrives, backend -> this node's address and NAT port. */
struct lb_snat_key {
	__be32 backend;
	__be32 node;
	__be16 backend_port;
	__be16 nat_port;
	__u8 proto;
	__u8 pad[3];
};

/* lb_snat value (24 bytes): the client and the frontend it used, to restore on the reply. */
struct lb_snat {
	__be32 client;
	__be32 frontend;
	__be16 client_port;
	__be16 frontend_port;
	__u32 state; /* ct_age.h CT_S_* (was padding: entries of an older agent read as 0, "SYN only") */
	__u64 last_seen_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct lb_snat_key);
	__type(value, struct lb_snat);
} lb_snat SEC(".maps");

struct flow {
	__u32 l4_off;
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 tcp_flags;
	__u8 dsr;          /* the packet carries a DSR option (its frontend below) */
	__u8 frag;         /* a fragment after the first: no L4 header, the ports come from lb_frag */
	__be16 dsr_port;
	__be32 dsr_addr;
};

/* lb_frag key (12 bytes): one IPv4 datagram on the wire (RFC 791's reassembly key). */
struct lb_frag_key {
	__be32 saddr;
	__be32 daddr;
	__be16 id;
	__u8 proto;
	__u8 pad;
};

/* lb_frag value: the ports of the datagram, from its first fragment. */
struct lb_frag_ports {
	__be16 sport;
	__be16 dport;
};

/*
 * The ports of fragmented datagrams the tcx programs saw the first fragment of, so that the later fragments (which
 * carry no L4 header) are translated like it. Fragments arriving before their first one are passed untranslated
 * (and are lost to reassembly), as in Cilium's fragment tracking. LRU: entries need no cleanup.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct lb_frag_key);
	__type(value, struct lb_frag_ports);
} lb_frag SEC(".maps");

/*
 * Parses an Ethernet frame (of a tcx or an XDP program) into f; -1 for anything but IPv4 TCP/UDP/SCTP. Fragments
 * only with frags (tcx): the first one's ports are recorded in lb_frag, the later ones take them from there. SCTP
 * fragments are refused: the CRC32c update needs the whole packet's length (SCTP sizes its packets to the path MTU,
 * so IP fragments of it are rare).
 */
static __always_inline int parse_pkt(void *data, void *data_end, struct flow *f, bool frags)
{
	struct lb_frag_key fk = {};
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__be16 *ports, frag;
	__u32 ihl;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return -1;
	ihl = ip->ihl * 4;
	frag = ip->frag_off & bpf_htons(0x3fff); /* more fragments, or an offset */
	if (ihl < sizeof(*ip) || (frag && !frags))
		return -1;
	if (ip->protocol != LB_IPPROTO_TCP && ip->protocol != LB_IPPROTO_UDP
	    && (ip->protocol != LB_IPPROTO_SCTP || frag))
		return -1;
	if (frag) {
		fk.saddr = ip->saddr;
		fk.daddr = ip->daddr;
		fk.id = ip->id;
		fk.proto = ip->protocol;
	}
	if (frag & bpf_htons(0x1fff)) {
		struct lb_frag_ports *fp = bpf_map_lookup_elem(&lb_frag, &fk);

		if (!fp)
			return -1;
		f->frag = 1;
		f->l4_off = ETH_HLEN + ihl;
		f->saddr = ip->saddr;
		f->daddr = ip->daddr;
		f->sport = fp->sport;
		f->dport = fp->dport;
		f->proto = ip->protocol;
		return 0;
	}
	ports = (void *)ip + ihl;
	if ((void *)(ports + 2) > data_end)
		return -1;
	if (ihl == sizeof(*ip) + LB_DSR_OPT_LEN) {
		__u8 *opt = (void *)(ip + 1);

		if ((void *)(opt + LB_DSR_OPT_LEN) > data_end)
			return -1;
		if (opt[0] == LB_DSR_OPT_TYPE && opt[1] == LB_DSR_OPT_LEN) {
			f->dsr = 1;
			__builtin_memcpy(&f->dsr_port, opt + 2, 2);
			__builtin_memcpy(&f->dsr_addr, opt + 4, 4);
		}
	}
	if (ip->protocol == LB_IPPROTO_TCP) {
		__u8 *tcp = (void *)ports;

		if ((void *)(tcp + 14) > data_end)
			return -1;
		f->tcp_flags = tcp[13];
	}
	f->l4_off = ETH_HLEN + ihl;
	f->saddr = ip->saddr;
	f->daddr = ip->daddr;
	f->sport = ports[0];
	f->dport = ports[1];
	f->proto = ip->protocol;
	if (frag) {
		struct lb_frag_ports fp = { .sport = f->sport, .dport = f->dport };

		bpf_map_update_elem(&lb_frag, &fk, &fp, BPF_ANY);
	}
	return 0;
}

static __always_inline int parse(struct __sk_buff *skb, struct flow *f)
{
	return parse_pkt((void *)(long)skb->data, (void *)(long)skb->data_end, f, true);
}

/* Rewrites one address and its port (source or destination) with incremental L3 and L4 checksum updates. */
static __always_inline void rewrite(struct __sk_buff *skb, const struct flow *f, bool dst, __be32 old_addr,
				    __be32 new_addr, __be16 old_port, __be16 new_port)
{
	__u32 csum_off = f->l4_off + (f->proto == LB_IPPROTO_TCP ? 16 : 6);
	/* A UDP checksum of 0 means "none": keep it so, and never produce 0 from a real sum. */
	__u64 l4flags = f->proto == LB_IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;

	if (f->frag) {
		/* No L4 header here: the first fragment's checksum already covers the whole datagram's change. */
		bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_addr, new_addr, sizeof(new_addr));
		bpf_skb_store_bytes(skb, dst ? IP_DST_OFF : IP_SRC_OFF, &new_addr, sizeof(new_addr), 0);
		return;
	}
	if (f->proto == LB_IPPROTO_SCTP) {
		/* CRC32c without a pseudo-header: only the port changes it (lb_sctp.h). */
		lb_sctp_csum_replace(skb, f->l4_off, dst ? LB_SCTP_DST : 0, old_port, new_port);
	} else {
		bpf_l4_csum_replace(skb, csum_off, old_addr, new_addr, l4flags | BPF_F_PSEUDO_HDR | sizeof(new_addr));
		bpf_l4_csum_replace(skb, csum_off, old_port, new_port, l4flags | sizeof(new_port));
	}
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_addr, new_addr, sizeof(new_addr));
	bpf_skb_store_bytes(skb, dst ? IP_DST_OFF : IP_SRC_OFF, &new_addr, sizeof(new_addr), 0);
	bpf_skb_store_bytes(skb, f->l4_off + (dst ? 2 : 0), &new_port, sizeof(new_port), 0);
}

/*
 * The Maglev hash of a flow: its 5-tuple, 104 bits, folded into lb_mix64 twice (addresses, then ports and protocol).
 * It depends on nothing but the packet, so every node of a cluster sends one flow to the same backend.
 */
static __always_inline __u64 flow_hash(const struct flow *f)
{
	__u64 h = lb_mix64((__u64)f->saddr << 32 | f->daddr);

	return lb_mix64(h ^ ((__u64)f->sport << 24 | (__u64)f->dport << 8 | f->proto));
}

#define TC_ACT_SHOT 2
#define LB_TCP_SYN 0x02
#define LB_TCP_ACK 0x10

/* The device the FIB sends dst out of (0 when there is no route); ctx is the skb or the xdp_md, in_ifindex its device. */
static __always_inline __u32 lb_fib_ifindex(void *ctx, __u32 in_ifindex, __be32 src, __be32 dst)
{
	struct bpf_fib_lookup fib = {};
	long r;

	fib.family = LB_AF_INET;
	fib.ipv4_src = src;
	fib.ipv4_dst = dst;
	fib.ifindex = in_ifindex;
	r = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (r != BPF_FIB_LKUP_RET_SUCCESS && r != BPF_FIB_LKUP_RET_NO_NEIGH)
		return 0;
	return fib.ifindex;
}

/* Inserts the DSR option (frontend address and port) after a 20-byte IPv4 header and fixes ihl, length, checksum. */
static __always_inline int lb_dsr_push(struct __sk_buff *skb, __be32 addr, __be16 port)
{
	__u8 opt[LB_DSR_OPT_LEN] = { LB_DSR_OPT_TYPE, LB_DSR_OPT_LEN };
	void *data, *data_end;
	struct iphdr *ip;
	__u16 *w;
	__u32 sum = 0;

	__builtin_memcpy(opt + 2, &port, 2);
	__builtin_memcpy(opt + 4, &addr, 4);
	if (bpf_skb_adjust_room(skb, LB_DSR_OPT_LEN, BPF_ADJ_ROOM_NET, 0))
		return -1;
	if (bpf_skb_store_bytes(skb, ETH_HLEN + sizeof(struct iphdr), opt, sizeof(opt), 0))
		return -1;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip = data + ETH_HLEN;
	if ((void *)ip + sizeof(*ip) + LB_DSR_OPT_LEN > data_end)
		return -1;
	ip->ihl = (sizeof(*ip) + LB_DSR_OPT_LEN) / 4;
	ip->tot_len = bpf_htons(bpf_ntohs(ip->tot_len) + LB_DSR_OPT_LEN);
	ip->check = 0;
	w = (void *)ip;
#pragma unroll
	for (int i = 0; i < (sizeof(*ip) + LB_DSR_OPT_LEN) / 2; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip->check = (__u16)~sum;
	return 0;
}

static __always_inline __u32 lb_ct_state(const struct lb_ct *ct)
{
	return (ct->flags >> LB_CT_STATE_SHIFT) & CT_S_MASK;
}

static __always_inline __u32 lb_ct_with_state(__u32 flags, __u32 state)
{
	return (flags & ~((__u32)CT_S_MASK << LB_CT_STATE_SHIFT)) | state << LB_CT_STATE_SHIFT;
}

/*
 * Ages the other direction of a flow with this one: its partner entry takes the state and last-seen time, so a flow
 * whose packets go one way only (a UDP stream, a long download) keeps both entries. Plain stores: a concurrent
 * writer of the same flow only ever moves the time forward by less than the refresh interval.
 */
static __always_inline void lb_ct_touch(const struct lb_ct_key *k, __u32 state, __u64 now)
{
	struct lb_ct *p = bpf_map_lookup_elem(&lb_ct, k);

	if (p) {
		p->flags |= state << LB_CT_STATE_SHIFT;
		p->last_seen_ns = now;
	}
}

/* The partner of a forward entry: its reply entry (local backend) or SNAT entry (remote backend, SNAT). */
static __always_inline void lb_ct_touch_reply(const struct flow *f, const struct lb_ct *fwd, __u32 state, __u64 now)
{
	if (fwd->flags & LB_CT_F_SNAT) {
		struct lb_snat_key k = {};
		struct lb_snat *n;

		k.backend = fwd->addr;
		k.node = lb_snat_ip4;
		k.backend_port = fwd->port;
		k.nat_port = fwd->nat_port;
		k.proto = f->proto;
		n = bpf_map_lookup_elem(&lb_snat, &k);
		if (n) {
			n->state |= state;
			n->last_seen_ns = now;
		}
	} else if (!(fwd->flags & LB_CT_F_DSR)) {
		struct lb_ct_key k = {};

		k.saddr = fwd->addr;
		k.daddr = f->saddr;
		k.sport = fwd->port;
		k.dport = f->sport;
		k.proto = f->proto;
		k.dir = LB_CT_REPLY;
		lb_ct_touch(&k, state, now);
	}
}

/* The forward entry of the flow a reply belongs to (client -> frontend), touched by its replies. */
static __always_inline void lb_ct_touch_forward(__be32 client, __be16 client_port, __be32 frontend,
						__be16 frontend_port, __u8 proto, __u32 state, __u64 now)
{
	struct lb_ct_key k = {};

	k.saddr = client;
	k.daddr = frontend;
	k.sport = client_port;
	k.dport = frontend_port;
	k.proto = proto;
	k.dir = LB_CT_FORWARD;
	lb_ct_touch(&k, state, now);
}

/* A free NAT port towards backend:backend_port for this flow, recorded in lb_snat; 0 when none was found. */
static __always_inline __be16 lb_snat_alloc(const struct flow *f, __be32 backend, __be16 backend_port, __u64 now)
{
	struct ct_lifetimes lt = LB_CT_LIFETIMES;
	struct lb_snat_key k = {};
	struct lb_snat v = {};

	k.backend = backend;
	k.node = lb_snat_ip4;
	k.backend_port = backend_port;
	k.proto = f->proto;
	v.client = f->saddr;
	v.frontend = f->daddr;
	v.client_port = f->sport;
	v.frontend_port = f->dport;
	v.state = ct_next_state(0, f->proto, f->tcp_flags);
	v.last_seen_ns = now;
	for (int i = 0; i < 8; i++) {
		/* The client's own port when it is in the NAT range, so that the backend sees it unchanged. */
		if (i == 0 && bpf_ntohs(f->sport) >= LB_SNAT_PORT_MIN)
			k.nat_port = f->sport;
		else
			k.nat_port = bpf_htons(LB_SNAT_PORT_MIN + bpf_get_prandom_u32() % LB_SNAT_PORT_SPAN);
		if (!bpf_map_update_elem(&lb_snat, &k, &v, BPF_NOEXIST))
			return k.nat_port;
		{
			/*
			 * Taken by the same client port and frontend (a new flow reusing that 4-tuple), or by an expired flow
			 * the sweep has not deleted yet: the new flow takes it over.
			 */
			struct lb_snat *old = bpf_map_lookup_elem(&lb_snat, &k);
			struct lb_snat o;

			if (!old)
				continue;
			o = *old;
			lb_barrier();
			if (((i == 0 && o.client == v.client && o.client_port == v.client_port && o.frontend == v.frontend
			      && o.frontend_port == v.frontend_port)
			     || ct_expired(&lt, f->proto, o.state, o.last_seen_ns, now, 0))
			    && !bpf_map_update_elem(&lb_snat, &k, &v, BPF_EXIST))
				return k.nat_port;
		}
	}
	return 0;
}

/*
 * After the DNAT of a flow to a remote backend: SNAT or the DSR option, then out of the device it came in on (the
 * one that reaches the backend). frontend/fport are the flow's original destination.
 */
static __always_inline int lb_to_remote(struct __sk_buff *skb, const struct flow *f, __u32 flags, __be16 nat_port)
{
	if (flags & LB_CT_F_SNAT) {
		rewrite(skb, f, false, f->saddr, lb_snat_ip4, f->sport, nat_port);
	} else if (flags & LB_CT_F_DSR) {
		bool first = f->proto != LB_IPPROTO_TCP || (f->tcp_flags & (LB_TCP_SYN | LB_TCP_ACK)) == LB_TCP_SYN;

		/* Only a plain 20-byte header takes the option where the backend's node looks for it. */
		/* A later fragment carries no option: the backend's node learnt the frontend from the first. */
		if (first && !f->frag && (f->l4_off != ETH_HLEN + sizeof(struct iphdr) || lb_dsr_push(skb, f->daddr, f->dport)))
			return TC_ACT_SHOT;
	} else {
		return TCX_NEXT; /* the next program of the chain (an observer, another owner's) sees it too */
	}
	return bpf_redirect_neigh(skb->ingress_ifindex, NULL, 0, 0);
}

/* A reply to a SNATed flow (backend -> this node's NAT port): back to the client, from the frontend. */
static __always_inline int lb_snat_reply(struct __sk_buff *skb, const struct flow *f, __u64 now)
{
	struct ct_lifetimes lt = LB_CT_LIFETIMES;
	struct lb_snat_key k = {};
	struct lb_snat *n, v;
	__u32 ifindex, state;

	k.backend = f->saddr;
	k.node = f->daddr;
	k.backend_port = f->sport;
	k.nat_port = f->dport;
	k.proto = f->proto;
	n = bpf_map_lookup_elem(&lb_snat, &k);
	if (!n)
		return -1;
	v = *n;
	lb_barrier();
	if (ct_expired(&lt, f->proto, v.state, v.last_seen_ns, now, f->tcp_flags))
		return -1; /* as if absent: the packet is not a reply of a live flow */
	state = ct_next_state(v.state, f->proto, f->tcp_flags);
	if (ct_needs_refresh(&lt, v.state, state, v.last_seen_ns, now)) {
		n->state = state;
		n->last_seen_ns = now;
		lb_ct_touch_forward(v.client, v.client_port, v.frontend, v.frontend_port, f->proto, state, now);
	}
	ifindex = lb_fib_ifindex(skb, skb->ingress_ifindex, v.frontend, v.client);
	if (!ifindex)
		return TC_ACT_SHOT;
	rewrite(skb, f, true, f->daddr, v.client, f->dport, v.client_port);
	rewrite(skb, f, false, f->saddr, v.frontend, f->sport, v.frontend_port);
	return bpf_redirect_neigh(ifindex, NULL, 0, 0);
}

/* At the backend's node: a DSR packet names its frontend; the egress program answers the client from it. */
static __always_inline void lb_dsr_record(const struct flow *f, __u64 now)
{
	struct lb_ct_key rkey = {};
	struct lb_ct rval = {};

	rkey.saddr = f->daddr;
	rkey.daddr = f->saddr;
	rkey.sport = f->dport;
	rkey.dport = f->sport;
	rkey.proto = f->proto;
	rkey.dir = LB_CT_REPLY;
	rval.addr = f->dsr_addr;
	rval.port = f->dsr_port;
	rval.flags = lb_ct_with_state(0, ct_next_state(0, f->proto, f->tcp_flags));
	rval.last_seen_ns = now;
	bpf_map_update_elem(&lb_ct, &rkey, &rval, BPF_ANY);
}

/* lb_np_decide's answers. */
#define LB_NP_PASS 0       /* not NodePort traffic: leave it alone */
#define LB_NP_DNAT 1       /* translate to v->addr:v->port (then SNAT / DSR as v->flags say) */
#define LB_NP_DROP 2       /* refuse: outside the source ranges, or no NAT port left */
#define LB_NP_NO_BACKEND 3 /* a frontend without a usable backend: the node's stack refuses it */
#define LB_NP_DEFER 4      /* XDP only: a flow to a remote backend, which the tcx program forwards */

/* Where lb_np_decide sends a packet. */
struct lb_np_verdict {
	__be32 addr;
	__be16 port;
	__be16 nat_port; /* LB_CT_F_SNAT */
	__u32 flags;     /* LB_CT_F_* */
	__u32 new_flow;  /* conntrack entries were created for this packet (report it) */
};

/* lb_nodeport_stats slots: who translated NodePort packets (the ITs and benchmarks read them). */
#define LB_NP_STAT_TCX_DNAT 0  /* packets DNATed by lb_nodeport_ingress */
#define LB_NP_STAT_XDP_DNAT 1  /* packets DNATed by lb_nodeport_xdp */
#define LB_NP_STAT_XDP_TO_TCX 2 /* frontend packets lb_nodeport_xdp left to tcx (remote backend, no backend) */
#define LB_NP_STAT_SLOTS 4

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_NP_STAT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} lb_nodeport_stats SEC(".maps");

/*
 * lb_nodeport_xdp leaves this in the packet's XDP metadata when it translated it, and lb_nodeport_ingress then leaves
 * the packet alone: the destination is a backend now, which the node-port entry (any address, that port) would match
 * again when the backend's port is some Service's node port. Metadata reaches the tc hooks of the same device.
 */
#define LB_XDP_MARK 0x65347870 /* "e4xp" */

static __always_inline bool lb_xdp_translated(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	__u32 *meta = (void *)(long)skb->data_meta;

	return (void *)(meta + 1) <= data && *meta == LB_XDP_MARK;
}

/* Per-CPU: no atomic needed, a program runs on one CPU to the end. */
static __always_inline void lb_np_count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&lb_nodeport_stats, &slot);

	if (n)
		*n += 1;
}

/*
 * The NodePort decision for a parsed packet f from outside, shared by the tcx and XDP ingress programs so that both
 * keep one conntrack: an established flow keeps its backend (refreshing its entries), a new flow to a frontend gets
 * one (lb_select) and its forward and reply entries. ctx and in_ifindex are the program's context and device (for
 * the FIB). With xdp, a flow that needs SNAT or DSR (a remote backend) is answered LB_NP_DEFER before anything is
 * written, so that the tcx program, which can redirect and grow the packet, decides it from scratch.
 */
static __always_inline int lb_np_decide(void *ctx, __u32 in_ifindex, const struct flow *f, __u64 now, bool xdp,
					struct lb_np_verdict *v)
{
	struct lb_ct_key fkey = {}, rkey = {};
	struct lb_svc_key skey = {};
	struct lb_addr client = {};
	struct lb_ct fval = {}, rval = {}, ct_copy;
	struct lb_backend *b, backend_copy;
	struct lb_svc *svc, svc_copy;
	struct lb_ct *ct;
	struct ct_lifetimes lt = LB_CT_LIFETIMES;
	__u32 backend_id = 0, flags = 0, state;
	__be16 nat_port = 0;

	fkey.saddr = f->saddr;
	fkey.daddr = f->daddr;
	fkey.sport = f->sport;
	fkey.dport = f->dport;
	fkey.proto = f->proto;
	fkey.dir = LB_CT_FORWARD;
	ct = bpf_map_lookup_elem(&lb_ct, &fkey);
	if (ct) {
		ct_copy = *ct;
		lb_barrier();
		/*
		 * An entry made in the other forwarding mode (the agent restarted with another one) is chosen anew, and so
		 * is an expired one (ct_age.h), collected or not.
		 */
		if (!((ct_copy.flags & LB_CT_F_SNAT) && !lb_snat_ip4) && !((ct_copy.flags & LB_CT_F_DSR) && !lb_dsr)
		    && !ct_expired(&lt, f->proto, lb_ct_state(&ct_copy), ct_copy.last_seen_ns, now, f->tcp_flags)) {
			if (xdp && (ct_copy.flags & (LB_CT_F_SNAT | LB_CT_F_DSR)))
				return LB_NP_DEFER;
			/* Established flow: keeps its backend even if that backend is now terminating. */
			state = ct_next_state(lb_ct_state(&ct_copy), f->proto, f->tcp_flags);
			if (ct_needs_refresh(&lt, lb_ct_state(&ct_copy), state, ct_copy.last_seen_ns, now)) {
				ct->flags = lb_ct_with_state(ct_copy.flags, state);
				ct->last_seen_ns = now;
				lb_ct_touch_reply(f, &ct_copy, state, now);
			}
			v->addr = ct_copy.addr;
			v->port = ct_copy.port;
			v->nat_port = ct_copy.nat_port;
			v->flags = ct_copy.flags & (LB_CT_F_SNAT | LB_CT_F_DSR);
			v->new_flow = 0;
			return LB_NP_DNAT;
		}
	}
	skey.addr.w[0] = f->daddr;
	skey.port = f->dport;
	skey.proto = f->proto;
	skey.family = LB_AF_INET;
	svc = bpf_map_lookup_elem(&lb_services, &skey);
	if (!svc) {
		if (!lb_node_port_dst(&skey.addr, LB_AF_INET))
			return LB_NP_PASS;
		skey.addr.w[0] = 0; /* node port: any address of this node */
		svc = bpf_map_lookup_elem(&lb_services, &skey);
		if (!svc)
			return LB_NP_PASS;
	}
	client.w[0] = f->saddr;
	/* A client outside the frontend's loadBalancerSourceRanges is dropped, as kube-proxy's firewall chain does. */
	if (!lb_source_allowed(&skey, &client))
		return LB_NP_DROP;
	/* Replaced elements are recycled at once: choose from copies, and again on failure (see lb_sock.h). */
	b = NULL;
	/* Unrolled: before 6.3 the verifier refuses a loop whose back-edge is a fall-through (seen on 5.10 and 6.1). */
	#pragma unroll
	for (int attempt = 0; attempt < 4; attempt++) {
		if (attempt) {
			svc = bpf_map_lookup_elem(&lb_services, &skey);
			if (!svc)
				break;
		}
		svc_copy = *svc;
		lb_barrier();
		b = lb_select(&svc_copy, flow_hash(f), 0, &client, &backend_id);
		if (b) {
			backend_copy = *b;
			lb_barrier();
			b = &backend_copy;
			if (backend_copy.family == LB_AF_INET)
				break;
			b = NULL;
		}
		if (!svc_copy.count && attempt)
			break;
	}
	if (!b || b->family != LB_AF_INET)
		return LB_NP_NO_BACKEND;
	/* A backend behind the device the request came in on is on another node. */
	if ((lb_dsr || lb_snat_ip4) && lb_fib_ifindex(ctx, in_ifindex, f->saddr, b->addr.w[0]) == in_ifindex) {
		if (xdp)
			return LB_NP_DEFER;
		if (lb_dsr) {
			flags = LB_CT_F_DSR;
		} else {
			nat_port = lb_snat_alloc(f, b->addr.w[0], b->port, now);
			if (!nat_port)
				return LB_NP_DROP;
			flags = LB_CT_F_SNAT;
		}
	}
	fval.addr = b->addr.w[0];
	fval.port = b->port;
	fval.nat_port = nat_port;
	fval.backend_id = backend_id;
	state = ct_next_state(0, f->proto, f->tcp_flags);
	fval.flags = lb_ct_with_state(flags, state);
	fval.last_seen_ns = now;
	if (!flags) {
		rkey.saddr = b->addr.w[0];
		rkey.daddr = f->saddr;
		rkey.sport = b->port;
		rkey.dport = f->sport;
		rkey.proto = f->proto;
		rkey.dir = LB_CT_REPLY;
		rval.addr = f->daddr;
		rval.port = f->dport;
		rval.backend_id = backend_id;
		rval.flags = lb_ct_with_state(0, state);
		rval.last_seen_ns = now;
		/* Reply entry first: a reply can never arrive before the forward packet it answers is sent. */
		bpf_map_update_elem(&lb_ct, &rkey, &rval, BPF_ANY);
	}
	bpf_map_update_elem(&lb_ct, &fkey, &fval, BPF_ANY);
	v->addr = fval.addr;
	v->port = fval.port;
	v->nat_port = nat_port;
	v->flags = flags;
	v->new_flow = 1;
	return LB_NP_DNAT;
}

#include "lb_nodeport6.h"

SEC("tcx/ingress")
int lb_nodeport_ingress(struct __sk_buff *skb)
{
	struct lb_np_verdict v = {};
	struct flow f = {};
	__u64 now;
	int r;

	if (skb->protocol == bpf_htons(ETH_P_IPV6))
		return lb_np6_ingress(skb);
	if (lb_xdp_translated(skb) || parse(skb, &f))
		return TCX_NEXT;
	now = bpf_ktime_get_ns();
	if (f.dsr) {
		lb_dsr_record(&f, now);
		return TCX_NEXT;
	}
	if (lb_snat_ip4 && f.daddr == lb_snat_ip4) {
		r = lb_snat_reply(skb, &f, now);
		if (r >= 0)
			return r;
	}
	switch (lb_np_decide(skb, skb->ingress_ifindex, &f, now, false, &v)) {
	case LB_NP_DNAT:
		break;
	case LB_NP_DROP:
		return TC_ACT_SHOT;
	case LB_NP_NO_BACKEND:
		lb_emit_nodeport(skb, 0, 0);
		return TCX_NEXT;
	default:
		return TCX_NEXT;
	}
	lb_np_count(LB_NP_STAT_TCX_DNAT);
	if (v.new_flow)
		lb_emit_nodeport(skb, v.addr, v.port);
	rewrite(skb, &f, true, f.daddr, v.addr, f.dport, v.port);
	return lb_to_remote(skb, &f, v.flags, v.nat_port);
}

SEC("tcx/egress")
int lb_nodeport_reply(struct __sk_buff *skb)
{
	struct ct_lifetimes lt = LB_CT_LIFETIMES;
	struct lb_ct_key key = {};
	struct flow f = {};
	struct lb_ct *ct, ct_copy;
	__u32 state;
	__u64 now;

	if (skb->protocol == bpf_htons(ETH_P_IPV6))
		return lb_np6_reply(skb);
	if (parse(skb, &f))
		return TCX_NEXT;
	key.saddr = f.saddr;
	key.daddr = f.daddr;
	key.sport = f.sport;
	key.dport = f.dport;
	key.proto = f.proto;
	key.dir = LB_CT_REPLY;
	ct = bpf_map_lookup_elem(&lb_ct, &key);
	if (!ct)
		return TCX_NEXT;
	ct_copy = *ct;
	lb_barrier();
	now = bpf_ktime_get_ns();
	if (ct_expired(&lt, f.proto, lb_ct_state(&ct_copy), ct_copy.last_seen_ns, now, f.tcp_flags))
		return TCX_NEXT; /* as if absent: the flow it translated is over */
	state = ct_next_state(lb_ct_state(&ct_copy), f.proto, f.tcp_flags);
	if (ct_needs_refresh(&lt, lb_ct_state(&ct_copy), state, ct_copy.last_seen_ns, now)) {
		ct->flags = lb_ct_with_state(ct_copy.flags, state);
		ct->last_seen_ns = now;
		/* Its forward entry (absent at a DSR backend's node, which has none) ages with it. */
		lb_ct_touch_forward(f.daddr, f.dport, ct_copy.addr, ct_copy.port, f.proto, state, now);
	}
	rewrite(skb, &f, false, f.saddr, ct_copy.addr, f.sport, ct_copy.port);
	return TCX_NEXT;
}

#endif
