// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A stand-in datapath that reports through observe_skb.h the way the LB and policy programs do: TCP to port 23 is
 * dropped (policy denied), TCP to 10.96.0.10:80 is "translated" (reported with the VIP), everything else forwarded.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "observe_skb.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} test_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} test_lost SEC(".maps");

SEC("tc")
int emit_test(struct __sk_buff *skb)
{
	struct l4_info l = {};
	if (obs_parse(skb, &l))
		return -1;
	if (l.proto == OBS_IPPROTO_TCP && l.dport == 23) {
		obs_emit_packet(&test_events, &test_lost, skb, &l, OBS_KIND_DROP, OBS_VERDICT_DROPPED,
				OBS_DROP_POLICY_DENIED, OBS_DIR_INGRESS);
		return 2; /* TC_ACT_SHOT */
	}
	__u8 vip[16] = {10, 96, 0, 10};
	if (l.proto == OBS_IPPROTO_TCP && l.dport == 80 && l.daddr[0] == 10 && l.daddr[1] == 96 && l.daddr[2] == 0 && l.daddr[3] == 10) {
		/* As an LB would after choosing a backend: the event reports the backend and the VIP. */
		__u8 backend[16] = {10, 0, 1, 5};
		obs_emit_translated(&test_events, &test_lost, skb, &l, OBS_DIR_EGRESS, backend, 8080, vip, 80);
		return -1;
	}
	obs_emit_packet(&test_events, &test_lost, skb, &l, OBS_KIND_TRACE, OBS_VERDICT_FORWARDED, OBS_DROP_NONE,
			OBS_DIR_INGRESS);
	return -1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
