// One trivial program per hook the leak cycles attach. Every program name starts with "st_" so a walk of the
// kernel's program ids can tell ours from the rest of the machine's.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} st_counts SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_SOCKMAP);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} st_socks SEC(".maps");

SEC("xdp")
int st_xdp(struct xdp_md *ctx) { return XDP_PASS; }

SEC("tc")
int st_tc(struct __sk_buff *skb) { return 0; /* TC_ACT_OK */ }

SEC("socket")
int st_socket(struct __sk_buff *skb) { return skb->len; }

SEC("cgroup/connect4")
int st_connect4(struct bpf_sock_addr *ctx) { return 1; }

SEC("sockops")
int st_sockops(struct bpf_sock_ops *ops) { return 1; }

SEC("cgroup_skb/egress")
int st_skb(struct __sk_buff *skb) { return 1; }

SEC("sk_msg")
int st_msg(struct sk_msg_md *msg) { return SK_PASS; }

SEC("sk_skb/stream_verdict")
int st_verdict(struct __sk_buff *skb) { return SK_PASS; }

SEC("sk_lookup")
int st_lookup(struct bpf_sk_lookup *ctx) { return SK_PASS; }

SEC("tracepoint/sched/sched_process_exec")
int st_tp(void *ctx) { return 0; }

SEC("raw_tp/sched_process_exec")
int st_raw_tp(void *ctx) { return 0; }

SEC("tp_btf/sched_process_exec")
int st_tp_btf(void *ctx) { return 0; }

SEC("uprobe")
int st_uprobe(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";
