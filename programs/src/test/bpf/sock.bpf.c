// Socket-level programs for SocketIT and ProgramTesterIT.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 16);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_SOCKMAP);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} socks SEC(".maps");

volatile const __u32 rewrite_from_ip = 0;   /* network order */
volatile const __u32 rewrite_to_ip = 0;     /* network order */
volatile const __u16 rewrite_to_port = 0;   /* host order */
volatile const __u16 lookup_port = 0;       /* host order */

static __always_inline void bump(__u32 key)
{
    __u64 *v = bpf_map_lookup_elem(&counts, &key);
    if (v)
        __sync_fetch_and_add(v, 1);
}

/* Keeps a datagram only when its last byte is even: works whatever header the data starts at. */
SEC("socket")
int drop_odd(struct __sk_buff *skb)
{
    __u8 last = 0;
    if (skb->len == 0 || bpf_skb_load_bytes(skb, skb->len - 1, &last, 1) < 0)
        return skb->len;
    if (last & 1) {
        bump(0);
        return 0;
    }
    return skb->len;
}

SEC("cgroup_skb/egress")
int skb_count(struct __sk_buff *skb)
{
    bump(1);
    return 1;
}

SEC("cgroup/connect4")
int connect_rewrite(struct bpf_sock_addr *ctx)
{
    if (ctx->user_ip4 == rewrite_from_ip) {
        ctx->user_ip4 = rewrite_to_ip;
        ctx->user_port = bpf_htons(rewrite_to_port);
        bump(2);
    }
    return 1;
}

SEC("sockops")
int sockops_established(struct bpf_sock_ops *ops)
{
    if (ops->op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
        bump(3);
    else if (ops->op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
        bump(4);
    return 1;
}

/* Every message sent on a socket of the map goes to the receive queue of the socket at key 1. */
SEC("sk_msg")
int msg_redirect(struct sk_msg_md *msg)
{
    bump(5);
    return bpf_msg_redirect_map(msg, &socks, 1, BPF_F_INGRESS);
}

/* Connections to lookup_port are handed to the listener at key 0. */
SEC("sk_lookup")
int lookup_steer(struct bpf_sk_lookup *ctx)
{
    if (ctx->local_port != lookup_port)
        return SK_PASS;
    __u32 key = 0;
    struct bpf_sock *sk = bpf_map_lookup_elem(&socks, &key);
    if (!sk)
        return SK_DROP;
    long err = bpf_sk_assign(ctx, sk, 0);
    bpf_sk_release(sk);
    bump(6);
    return err ? SK_DROP : SK_PASS;
}

SEC("sk_skb/stream_parser")
int skb_parser(struct __sk_buff *skb)
{
    bump(9);
    return skb->len;
}

SEC("cgroup_skb/ingress")
int skb_ingress(struct __sk_buff *skb)
{
    bump(8);
    return 1;
}

SEC("sk_skb/stream_verdict")
int skb_verdict(struct __sk_buff *skb)
{
    bump(7);
    return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
