// Guest ring buffer check: each run of the XDP program submits one record carrying a sequence number and the
// packet's length, so the Java reader can tell every record arrived, in order, with the data the program saw.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct event {
    __u64 seq;
    __u32 packet_len;
    __u32 magic;
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 64 * 1024);
} events SEC(".maps");

__u64 seq;

SEC("xdp")
int emit_event(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return XDP_ABORTED;
    e->seq = seq++; /* not an atomic fetch-add: 5.10 lacks BPF_FETCH (5.12); test runs are serial */
    e->packet_len = ctx->data_end - ctx->data;
    e->magic = 0xE4B7;
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
