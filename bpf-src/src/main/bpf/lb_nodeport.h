/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TC load balancing for traffic that reaches the node from outside: NodePorts, externalIPs and load-balancer
 * IPs (IPv4, TCP and UDP). lb_nodeport_ingress (tcx ingress of the node's external interface) DNATs a new flow
 * to a backend and records it in an LRU connection-tracking map; lb_nodeport_reply (tcx egress of the same
 * interface) rewrites the replies' source back to the address and port the client used. The reply rewrite
 * must run after routing: a forwarded packet whose source is already a node address would be dropped as a
 * martian on input.
 * A frontend without a usable backend is passed up unchanged: for a node port the node's own stack then
 * answers with a TCP RST or ICMP port unreachable, so clients are refused at once instead of timing out.
 * New translations and refusals are reported to lb_events (lb_events.h).
 */
#ifndef EBPF4J_LB_NODEPORT_H
#define EBPF4J_LB_NODEPORT_H

#include "lb_common.h"
#include "lb_events.h"

#define TC_ACT_OK 0
#define ETH_P_IP 0x0800
#define ETH_HLEN 14
#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define IP_SRC_OFF (ETH_HLEN + offsetof(struct iphdr, saddr))
#define IP_DST_OFF (ETH_HLEN + offsetof(struct iphdr, daddr))
#define LB_IPPROTO_TCP 6
#define LB_IPPROTO_UDP 17

#define LB_CT_FORWARD 0
#define LB_CT_REPLY 1

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
	__u16 pad;
	__u32 backend_id;
	__u32 pad2;
	__u64 last_seen_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct lb_ct_key);
	__type(value, struct lb_ct);
} lb_ct SEC(".maps");

struct flow {
	__u32 l4_off;
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
};

static __always_inline int parse(struct __sk_buff *skb, struct flow *f)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__be16 *ports;
	__u32 ihl;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return -1;
	ihl = ip->ihl * 4;
	if (ihl < sizeof(*ip) || (ip->frag_off & bpf_htons(0x3fff)))
		return -1;
	if (ip->protocol != LB_IPPROTO_TCP && ip->protocol != LB_IPPROTO_UDP)
		return -1;
	ports = (void *)ip + ihl;
	if ((void *)(ports + 2) > data_end)
		return -1;
	f->l4_off = ETH_HLEN + ihl;
	f->saddr = ip->saddr;
	f->daddr = ip->daddr;
	f->sport = ports[0];
	f->dport = ports[1];
	f->proto = ip->protocol;
	return 0;
}

/* Rewrites one address and its port (source or destination) with incremental L3 and L4 checksum updates. */
static __always_inline void rewrite(struct __sk_buff *skb, const struct flow *f, bool dst, __be32 old_addr,
				    __be32 new_addr, __be16 old_port, __be16 new_port)
{
	__u32 csum_off = f->l4_off + (f->proto == LB_IPPROTO_TCP ? 16 : 6);
	/* A UDP checksum of 0 means "none": keep it so, and never produce 0 from a real sum. */
	__u64 l4flags = f->proto == LB_IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;

	bpf_l4_csum_replace(skb, csum_off, old_addr, new_addr, l4flags | BPF_F_PSEUDO_HDR | sizeof(new_addr));
	bpf_l4_csum_replace(skb, csum_off, old_port, new_port, l4flags | sizeof(new_port));
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_addr, new_addr, sizeof(new_addr));
	bpf_skb_store_bytes(skb, dst ? IP_DST_OFF : IP_SRC_OFF, &new_addr, sizeof(new_addr), 0);
	bpf_skb_store_bytes(skb, f->l4_off + (dst ? 2 : 0), &new_port, sizeof(new_port), 0);
}

static __always_inline __u64 flow_hash(const struct flow *f)
{
	__u64 h = ((__u64)f->saddr << 32 | f->daddr) * 0x9E3779B97F4A7C15ULL;

	h ^= ((__u64)f->sport << 24 | (__u64)f->dport << 8 | f->proto) * 0xC2B2AE3D27D4EB4FULL;
	h ^= h >> 29;
	return h;
}

SEC("tcx/ingress")
int lb_nodeport_ingress(struct __sk_buff *skb)
{
	struct lb_ct_key fkey = {}, rkey = {};
	struct lb_svc_key skey = {};
	struct lb_addr client = {};
	struct lb_ct fval = {}, rval = {};
	struct lb_backend *b, backend_copy;
	struct lb_svc *svc, svc_copy;
	struct lb_ct *ct;
	struct flow f = {};
	__u32 backend_id = 0;
	__u64 now;

	if (parse(skb, &f))
		return TC_ACT_OK;
	fkey.saddr = f.saddr;
	fkey.daddr = f.daddr;
	fkey.sport = f.sport;
	fkey.dport = f.dport;
	fkey.proto = f.proto;
	fkey.dir = LB_CT_FORWARD;
	now = bpf_ktime_get_ns();
	ct = bpf_map_lookup_elem(&lb_ct, &fkey);
	if (ct) {
		/* Established flow: keeps its backend even if that backend is now terminating. */
		ct->last_seen_ns = now;
		rewrite(skb, &f, true, f.daddr, ct->addr, f.dport, ct->port);
		return TC_ACT_OK;
	}
	skey.addr.w[0] = f.daddr;
	skey.port = f.dport;
	skey.proto = f.proto;
	skey.family = LB_AF_INET;
	svc = bpf_map_lookup_elem(&lb_services, &skey);
	if (!svc) {
		skey.addr.w[0] = 0; /* node port: any address of this node */
		svc = bpf_map_lookup_elem(&lb_services, &skey);
		if (!svc)
			return TC_ACT_OK;
	}
	client.w[0] = f.saddr;
	/* Replaced elements are recycled at once: choose from copies, and again on failure (see lb_sock.h). */
	b = NULL;
	for (int attempt = 0; attempt < 4; attempt++) {
		if (attempt) {
			svc = bpf_map_lookup_elem(&lb_services, &skey);
			if (!svc)
				break;
		}
		svc_copy = *svc;
		lb_barrier();
		b = lb_select(&svc_copy, flow_hash(&f), 0, &client, &backend_id);
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
	if (!b || b->family != LB_AF_INET) {
		lb_emit_nodeport(skb, 0, 0);
		return TC_ACT_OK;
	}
	fval.addr = b->addr.w[0];
	fval.port = b->port;
	fval.backend_id = backend_id;
	fval.last_seen_ns = now;
	rkey.saddr = b->addr.w[0];
	rkey.daddr = f.saddr;
	rkey.sport = b->port;
	rkey.dport = f.sport;
	rkey.proto = f.proto;
	rkey.dir = LB_CT_REPLY;
	rval.addr = f.daddr;
	rval.port = f.dport;
	rval.backend_id = backend_id;
	rval.last_seen_ns = now;
	/* Reply entry first: a reply can never arrive before the forward packet it answers is sent. */
	bpf_map_update_elem(&lb_ct, &rkey, &rval, BPF_ANY);
	bpf_map_update_elem(&lb_ct, &fkey, &fval, BPF_ANY);
	lb_emit_nodeport(skb, fval.addr, fval.port);
	rewrite(skb, &f, true, f.daddr, fval.addr, f.dport, fval.port);
	return TC_ACT_OK;
}

SEC("tcx/egress")
int lb_nodeport_reply(struct __sk_buff *skb)
{
	struct lb_ct_key key = {};
	struct flow f = {};
	struct lb_ct *ct;

	if (parse(skb, &f))
		return TC_ACT_OK;
	key.saddr = f.saddr;
	key.daddr = f.daddr;
	key.sport = f.sport;
	key.dport = f.dport;
	key.proto = f.proto;
	key.dir = LB_CT_REPLY;
	ct = bpf_map_lookup_elem(&lb_ct, &key);
	if (!ct)
		return TC_ACT_OK;
	ct->last_seen_ns = bpf_ktime_get_ns();
	rewrite(skb, &f, false, f.saddr, ct->addr, f.sport, ct->port);
	return TC_ACT_OK;
}

#endif
