// A minimal Reno-like TCP congestion control as a struct_ops map: slow start below ssthresh, additive increase above,
// halve on loss, undo to the larger window. Each op counts its calls so a test can see the kernel used it.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} calls SEC(".maps");

enum { CALL_INIT, CALL_SSTHRESH, CALL_CONG_AVOID, CALL_UNDO };

static __always_inline void count(__u32 op)
{
    __u64 *v = bpf_map_lookup_elem(&calls, &op);
    if (v)
        __sync_fetch_and_add(v, 1);
}

static __always_inline struct tcp_sock *tcp_of(struct sock *sk)
{
    return (struct tcp_sock *)sk;
}

SEC("struct_ops/e4j_init")
void BPF_PROG(e4j_init, struct sock *sk)
{
    count(CALL_INIT);
}

SEC("struct_ops/e4j_ssthresh")
__u32 BPF_PROG(e4j_ssthresh, struct sock *sk)
{
    const struct tcp_sock *tp = tcp_of(sk);
    count(CALL_SSTHRESH);
    __u32 half = tp->snd_cwnd >> 1;
    return half > 2 ? half : 2;
}

SEC("struct_ops/e4j_cong_avoid")
void BPF_PROG(e4j_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
    struct tcp_sock *tp = tcp_of(sk);
    count(CALL_CONG_AVOID);
    if (tp->snd_cwnd < tp->snd_ssthresh) {
        tp->snd_cwnd += acked;                      // slow start
    } else {
        tp->snd_cwnd_cnt += acked;                  // one segment per window of acks
        if (tp->snd_cwnd_cnt >= tp->snd_cwnd) {
            tp->snd_cwnd_cnt -= tp->snd_cwnd;
            tp->snd_cwnd++;
        }
    }
    if (tp->snd_cwnd > tp->snd_cwnd_clamp)
        tp->snd_cwnd = tp->snd_cwnd_clamp;
}

SEC("struct_ops/e4j_undo_cwnd")
__u32 BPF_PROG(e4j_undo_cwnd, struct sock *sk)
{
    const struct tcp_sock *tp = tcp_of(sk);
    count(CALL_UNDO);
    return tp->snd_cwnd > tp->prior_cwnd ? tp->snd_cwnd : tp->prior_cwnd;
}

SEC(".struct_ops.link")
struct tcp_congestion_ops e4j_reno = {
    .init = (void *)e4j_init,
    .ssthresh = (void *)e4j_ssthresh,
    .cong_avoid = (void *)e4j_cong_avoid,
    .undo_cwnd = (void *)e4j_undo_cwnd,
    .name = "e4j_reno",
};

char LICENSE[] SEC("license") = "GPL";
