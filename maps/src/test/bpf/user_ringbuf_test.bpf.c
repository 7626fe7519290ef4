// Test object for UserRingBuffer: an XDP program that BPF_PROG_TEST_RUN runs drains records Java wrote with
// bpf_user_ringbuf_drain and checks each one: header {seq, value}, a trailer at the record's last 4 bytes equal to
// seq ^ 0xA5A5A5A5, and that the record is exactly its declared length. Results go to .bss for Java to read.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_USER_RINGBUF);
    __uint(max_entries, 4096);
} input SEC(".maps");

struct record_head {
    __u32 seq;
    __u32 value;
    __u32 len;   /* the whole record's length, as Java wrote it */
};

__u32 next_seq;      /* the seq the next record must carry; Java sets it */
__u64 count;         /* records seen */
__u64 sum;           /* sum of their values */
__u64 order_errors;  /* records out of sequence */
__u64 shape_errors;  /* records whose trailer or length was wrong */
__s64 last_drain;    /* what the last bpf_user_ringbuf_drain returned */

static long on_record(struct bpf_dynptr *dynptr, void *ctx)
{
    struct record_head h;
    __u32 trailer;
    __u8 past;

    if (bpf_dynptr_read(&h, sizeof(h), dynptr, 0, 0)) {
        shape_errors++;
        return 0;
    }
    if (h.seq != next_seq)
        order_errors++;
    next_seq = h.seq + 1;
    if (h.len < sizeof(h) + sizeof(trailer) || bpf_dynptr_read(&trailer, sizeof(trailer), dynptr, h.len - 4, 0)
        || trailer != (h.seq ^ 0xA5A5A5A5))
        shape_errors++;
    else if (!bpf_dynptr_read(&past, 1, dynptr, h.len, 0))
        shape_errors++; /* the record is longer than it says */
    count++;
    sum += h.value;
    return 0;
}

SEC("xdp")
int drain(struct xdp_md *ctx)
{
    last_drain = bpf_user_ringbuf_drain(&input, on_record, NULL, 0);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
