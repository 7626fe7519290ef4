// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * L7 capture on pod interfaces (tcx ingress and egress): copies the first bytes of TCP segments that start like an
 * HTTP/1.x request or response line, and of UDP port 53 messages, into ring buffer events. Parsing happens in Java
 * (dev.ebpf4j.k8s.observe.HttpParser / DnsParser); the programs always pass the packet on.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "observe_skb.h"

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
	if (obs_parse(skb, &l) || l.payload_len == 0)
		return TCX_NEXT;
	__u8 subtype;
	if (l.proto == OBS_IPPROTO_TCP) {
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
