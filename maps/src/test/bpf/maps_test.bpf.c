// Test object for the maps module: a hash map with a struct value (for BTF layout checks), a ring buffer and a
// perf event array written by an XDP program that BPF_PROG_TEST_RUN runs.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct backend {
    __u32 addr;
    __u16 port;
    __u16 weight;
    __u64 hits;
};

struct event {
    __u64 seq;
    __u32 cpu;
    __u32 magic;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, struct backend);
} backends SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096 * 4);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} other_events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

__u64 seq;

SEC("xdp")
int emit(struct xdp_md *ctx)
{
    __u64 n = __sync_fetch_and_add(&seq, 1);
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return XDP_PASS;
    e->seq = n;
    e->cpu = bpf_get_smp_processor_id();
    e->magic = 0xE4B7;
    // Every 7th record is discarded: the reader must skip it without losing order.
    if (n % 7 == 3)
        bpf_ringbuf_discard(e, 0);
    else
        bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

SEC("xdp")
int emit_other(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&other_events, sizeof(*e), 0);
    if (!e)
        return XDP_PASS;
    e->seq = 1000;
    e->cpu = 0;
    e->magic = 0xBEEF;
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

SEC("xdp")
int emit_perf(struct xdp_md *ctx)
{
    struct event e = {};
    e.seq = __sync_fetch_and_add(&seq, 1);
    e.cpu = bpf_get_smp_processor_id();
    e.magic = 0xFEED;
    bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
