// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* TCP connection lifecycle events from the sock:inet_sock_set_state and tcp:tcp_retransmit_skb tracepoints. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "observe_event.h"

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define OBS_ECONNRESET 104
#define OBS_ETIMEDOUT 110
#define OBS_ECONNREFUSED 111
#define OBS_EPIPE 32

/* TCP states as in include/net/tcp_states.h (stable UAPI-visible values). */
#define S_ESTABLISHED 1
#define S_SYN_SENT 2
#define S_SYN_RECV 3
#define S_CLOSE 7

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} observe_events SEC(".maps");

/* SYN_SENT start time per socket, for handshake latency; LRU so leaked entries of vanished sockets age out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u64);
} observe_syn_start SEC(".maps");

/* Reservation failures: user space reports these as lost events, never silently. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} observe_lost SEC(".maps");

static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *lost = bpf_map_lookup_elem(&observe_lost, &zero);
	if (lost)
		*lost += 1;
}

/*
 * Copies through bpf_probe_read_kernel: direct ctx loads fail the verifier when clang merges the two branches into a
 * variable ctx offset, or splits the unaligned 4-byte fields of tcp_retransmit_skb into pointer arithmetic.
 */
#define FILL_ADDRS(e, ctx)                                                                  \
	do {                                                                                \
		(e)->family = (ctx)->family;                                                \
		if ((ctx)->family == AF_INET) {                                             \
			bpf_probe_read_kernel((e)->saddr, 4, (const void *)(ctx)->saddr);   \
			bpf_probe_read_kernel((e)->daddr, 4, (const void *)(ctx)->daddr);   \
		} else {                                                                    \
			bpf_probe_read_kernel((e)->saddr, 16, (const void *)(ctx)->saddr_v6); \
			bpf_probe_read_kernel((e)->daddr, 16, (const void *)(ctx)->daddr_v6); \
		}                                                                           \
	} while (0)

static __always_inline __u8 close_kind(__u16 err)
{
	if (err == OBS_ECONNREFUSED)
		return OBS_TCP_REFUSED;
	if (err == OBS_ETIMEDOUT)
		return OBS_TCP_TIMEOUT;
	if (err == OBS_ECONNRESET || err == OBS_EPIPE)
		return OBS_TCP_RESET;
	/* tcp_done_with_error() sets sk_err before the CLOSE transition, so 0 means a local close (or abort). */
	if (err != 0)
		return OBS_TCP_ERROR;
	return OBS_TCP_CLOSE;
}

SEC("tracepoint/sock/inet_sock_set_state")
int observe_tcp_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	int old = ctx->oldstate, new = ctx->newstate;
	__u8 subtype;
	__u64 key = (__u64)ctx->skaddr, now = bpf_ktime_get_ns(), latency = 0;
	__u16 err = 0;

	if (new == S_SYN_SENT) {
		bpf_map_update_elem(&observe_syn_start, &key, &now, BPF_ANY);
		subtype = OBS_TCP_CONNECT;
	} else if (new == S_ESTABLISHED && old == S_SYN_SENT) {
		__u64 *start = bpf_map_lookup_elem(&observe_syn_start, &key);
		if (start) {
			latency = now - *start;
			bpf_map_delete_elem(&observe_syn_start, &key);
		}
		subtype = OBS_TCP_ESTABLISHED;
	} else if (new == S_ESTABLISHED && old == S_SYN_RECV) {
		subtype = OBS_TCP_ACCEPTED;
	} else if (new == S_CLOSE) {
		err = (__u16)BPF_CORE_READ((struct sock *)ctx->skaddr, sk_err);
		subtype = close_kind(err);
		if (old == S_SYN_SENT)
			bpf_map_delete_elem(&observe_syn_start, &key);
	} else {
		return 0;
	}

	struct observe_event *e = bpf_ringbuf_reserve(&observe_events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = now;
	e->kind = OBS_KIND_SOCK;
	e->verdict = OBS_VERDICT_FORWARDED;
	e->l4_proto = IPPROTO_TCP;
	e->subtype = subtype;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	FILL_ADDRS(e, ctx);
	e->sport = ctx->sport;
	e->dport = ctx->dport;
	e->sock_id = key;
	e->latency_ns = latency;
	e->old_state = old;
	e->new_state = new;
	e->sk_err = err;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int observe_tcp_retransmit(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	struct observe_event *e = bpf_ringbuf_reserve(&observe_events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->kind = OBS_KIND_SOCK;
	e->verdict = OBS_VERDICT_FORWARDED;
	e->l4_proto = IPPROTO_TCP;
	e->subtype = OBS_TCP_RETRANSMIT;
	FILL_ADDRS(e, ctx);
	e->sport = ctx->sport;
	e->dport = ctx->dport;
	e->sock_id = (__u64)ctx->skaddr;
	e->old_state = ctx->state;
	e->new_state = ctx->state;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
