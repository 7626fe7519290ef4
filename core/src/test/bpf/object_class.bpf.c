// The object class generator's test object: one map of each accessor kind and programs of several sections.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct flow { __u32 saddr; __u32 daddr; };

struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 16); __type(key, struct flow); __type(value, __u64); } flows SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __uint(key_size, 4); __uint(value_size, 4); } jumps SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __uint(key_size, 6); __type(value, __u32); } sized SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u32); } close SEC(".maps");

__u64 hits = 0;
const volatile __u32 limit = 7;
const volatile bool enabled = true;
char banner[8] = "hello";

static __noinline int helper(int x) { return x + 1; }

SEC("xdp") int on_xdp(struct xdp_md *ctx) { hits += enabled ? limit + banner[0] : 0; return helper(1); }
SEC("tc") int on_tc(struct __sk_buff *skb) { return 0; }
SEC("tp/sched/sched_process_exec") int on_exec(void *ctx) { return 0; }
SEC("cgroup/connect4") int on_connect(struct bpf_sock_addr *ctx) { return 1; }
SEC("kprobe/do_unlinkat") int on_unlink(void *ctx) { return 0; }
SEC("lsm/file_open") int on_open(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";
