// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * L7 capture on pod interfaces (tcx ingress and egress): copies the first bytes of TCP segments that start like an
 * HTTP/1.x request or response line, and of UDP port 53 messages, into ring buffer events. Parsing happens in Java
 * (dev.ebpf4j.k8s.observe.HttpParser / DnsParser); the programs always pass the packet on.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "observe_event.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_HLEN 14
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define AF_INET 2
#define AF_INET6 10
#define TCX_NEXT -1
#define DNS_PORT 53

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} observe_l7_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} observe_l7_lost SEC(".maps");

struct l4_info {
	__u8 family, proto, flags;
	__u8 saddr[16], daddr[16];
	__u16 sport, dport;
	__u32 seq;
	__u32 payload_off, payload_len;
};

static __always_inline int parse(struct __sk_buff *skb, struct l4_info *l)
{
	__u32 off = ETH_HLEN, l4_end;
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)))
			return -1;
		if (ip.frag_off & bpf_htons(0x1FFF)) /* non-first fragment: no L4 header */
			return -1;
		l->family = AF_INET;
		l->proto = ip.protocol;
		__builtin_memcpy(l->saddr, &ip.saddr, 4);
		__builtin_memcpy(l->daddr, &ip.daddr, 4);
		l4_end = off + bpf_ntohs(ip.tot_len);
		off += ip.ihl * 4;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;
		if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)))
			return -1;
		l->family = AF_INET6;
		l->proto = ip6.nexthdr; /* extension headers are not followed */
		__builtin_memcpy(l->saddr, &ip6.saddr, 16);
		__builtin_memcpy(l->daddr, &ip6.daddr, 16);
		off += sizeof(ip6);
		l4_end = off + bpf_ntohs(ip6.payload_len);
	} else {
		return -1;
	}
	if (l->proto == IPPROTO_TCP) {
		struct tcphdr th;
		if (bpf_skb_load_bytes(skb, off, &th, sizeof(th)))
			return -1;
		l->sport = bpf_ntohs(th.source);
		l->dport = bpf_ntohs(th.dest);
		l->seq = bpf_ntohl(th.seq);
		l->flags = ((__u8 *)&th)[13];
		off += th.doff * 4;
	} else if (l->proto == IPPROTO_UDP) {
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
	if (off >= l4_end)
		return -1;
	l->payload_off = off;
	l->payload_len = l4_end - off;
	return 0;
}

/* Port-agnostic HTTP/1.x heuristic on the first four payload bytes. */
static __always_inline int looks_like_http(struct __sk_buff *skb, __u32 off)
{
	char p[4];
	if (bpf_skb_load_bytes(skb, off, p, 4))
		return 0;
	__u32 w = ((__u32)p[0] << 24) | ((__u32)p[1] << 16) | ((__u32)p[2] << 8) | (__u32)p[3];
	switch (w) {
	case 0x47455420: /* "GET " */
	case 0x504f5354: /* "POST" */
	case 0x50555420: /* "PUT " */
	case 0x44454c45: /* "DELE" */
	case 0x48454144: /* "HEAD" */
	case 0x50415443: /* "PATC" */
	case 0x4f505449: /* "OPTI" */
	case 0x48545450: /* "HTTP" */
		return 1;
	}
	return 0;
}

static __always_inline int capture(struct __sk_buff *skb, __u8 direction)
{
	struct l4_info l = {};
	if (parse(skb, &l))
		return TCX_NEXT;
	__u8 subtype;
	if (l.proto == IPPROTO_TCP) {
		if (l.payload_len < 4 || !looks_like_http(skb, l.payload_off))
			return TCX_NEXT;
		subtype = OBS_L7_TCP_PAYLOAD;
	} else if (l.sport == DNS_PORT || l.dport == DNS_PORT) {
		subtype = OBS_L7_DNS;
	} else {
		return TCX_NEXT;
	}

	struct observe_l7_event *e = bpf_ringbuf_reserve(&observe_l7_events, sizeof(*e), 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *lost = bpf_map_lookup_elem(&observe_l7_lost, &zero);
		if (lost)
			*lost += 1;
		return TCX_NEXT;
	}
	/* Constant size for a full copy, else a length masked below OBS_PAYLOAD_MAX so the verifier sees the bound. */
	__u32 n;
	if (l.payload_len >= OBS_PAYLOAD_MAX) {
		n = OBS_PAYLOAD_MAX;
		if (bpf_skb_load_bytes(skb, l.payload_off, e->payload, OBS_PAYLOAD_MAX))
			n = 0;
	} else {
		/* payload_len is 1..255 here; masking in asm keeps clang from handing the unmasked copy to the helper. */
		n = l.payload_len - 1;
		asm volatile("%[n] &= 0xff" : [n] "+r"(n));
		n += 1;
		if (bpf_skb_load_bytes(skb, l.payload_off, e->payload, n))
			n = 0;
	}
	__builtin_memset(&e->hdr, 0, sizeof(e->hdr));
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.kind = OBS_KIND_L7;
	e->hdr.verdict = OBS_VERDICT_FORWARDED;
	e->hdr.family = l.family;
	e->hdr.l4_proto = l.proto;
	e->hdr.tcp_flags = l.flags;
	e->hdr.direction = direction;
	e->hdr.subtype = subtype;
	e->hdr.ifindex = skb->ifindex;
	__builtin_memcpy(e->hdr.saddr, l.saddr, 16);
	__builtin_memcpy(e->hdr.daddr, l.daddr, 16);
	e->hdr.sport = l.sport;
	e->hdr.dport = l.dport;
	e->hdr.payload_len = n;
	e->hdr.sock_id = bpf_get_socket_cookie(skb);
	e->hdr.tcp_seq = l.seq;
	bpf_ringbuf_submit(e, 0);
	return TCX_NEXT;
}

SEC("tcx/ingress")
int observe_l7_ingress(struct __sk_buff *skb)
{
	return capture(skb, OBS_DIR_INGRESS);
}

SEC("tcx/egress")
int observe_l7_egress(struct __sk_buff *skb)
{
	return capture(skb, OBS_DIR_EGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
