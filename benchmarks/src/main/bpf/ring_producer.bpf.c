// Ring buffer producer for the flow reader benchmark: each BPF_PROG_TEST_RUN repetition submits one record of the
// flow event's size (struct observe_event, 104 bytes), without waking the consumer, so a test run with a big repeat
// count fills the ring and the consumers' drain rate is measured alone.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct bench_event {
	__u64 seq;
	__u64 ts_ns;
	__u8 rest[88];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20);
} events SEC(".maps");

__u64 seq;

SEC("xdp")
int produce(struct xdp_md *ctx)
{
	struct bench_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return XDP_DROP;
	__builtin_memset(e, 0, sizeof(*e));
	e->seq = ++seq;
	e->ts_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
