// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Maps of the kinds an upgrade treats differently, for MigrationPlanIT: a hash map (adopted when unchanged), a
 * per-CPU hash whose value widens from __u32 to __u64 in layout 2 (-DUP_LAYOUT_V2; converted per CPU) and a ring
 * buffer (no copyable entries: adopted within a layout, recreated across layouts).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#ifdef UP_LAYOUT_V2
typedef __u64 up_count;
#else
typedef __u32 up_count;
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} up_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, up_count);
} up_pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} up_events SEC(".maps");

SEC("socket")
int up_prog(struct __sk_buff *skb)
{
	__u32 k = 0;
	up_count *c = bpf_map_lookup_elem(&up_pcpu, &k);

	if (c)
		(*c)++;
	bpf_map_lookup_elem(&up_hash, &k);
	bpf_ringbuf_output(&up_events, &k, sizeof(k), 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
