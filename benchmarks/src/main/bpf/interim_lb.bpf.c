// INTERIM socket-level LB used only until the k8s-lb datapath (bpf-src lb_datapath.bpf.c) is on main: cgroup/connect4
// rewrites a connect to (VIP, port) into a random backend of the service. Results measured with it are labelled
// "interim" in benchmarks/results/lb.csv.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// key: user_ip4 (network order, as the kernel stores it) | user_port (network order) << 32
// value: endpoint count | first backend slot << 32
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u64);
} svc SEC(".maps");

// key: backend slot; value: ip (network order) | port (network order) << 32
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);
	__type(key, __u32);
	__type(value, __u64);
} backend SEC(".maps");

SEC("cgroup/connect4")
int interim_connect4(struct bpf_sock_addr *ctx)
{
	if (ctx->protocol != IPPROTO_TCP)
		return 1;
	__u64 key = (__u64)ctx->user_ip4 | ((__u64)(ctx->user_port & 0xffff) << 32);
	__u64 *s = bpf_map_lookup_elem(&svc, &key);
	if (!s)
		return 1;
	__u32 count = (__u32)*s, base = (__u32)(*s >> 32);
	if (!count)
		return 0;
	__u32 slot = base + bpf_get_prandom_u32() % count;
	__u64 *b = bpf_map_lookup_elem(&backend, &slot);
	if (!b)
		return 0;
	ctx->user_ip4 = (__u32)*b;
	ctx->user_port = (__u32)(*b >> 32) & 0xffff;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
