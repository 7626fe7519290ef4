// Test object: a counter map, a rodata constant, and a CO-RE read of a kernel struct.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 128);
    __type(key, __u32);
    __type(value, __u32);
} lookup SEC(".maps");

const volatile __u32 verdict = XDP_PASS;
const volatile __s16 small_signed = -1;
volatile __u64 seen;

SEC("xdp")
int xdp_globals(struct xdp_md *ctx)
{
    __u32 key = 0;
    __u64 *count = bpf_map_lookup_elem(&counters, &key);
    if (count)
        __sync_fetch_and_add(count, 1);
    seen++;
    return verdict;
}

SEC("tp/sched/sched_process_exec")
int on_exec(struct trace_event_raw_sched_process_exec *ctx)
{
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    __u32 key = 1;
    __u64 pid = BPF_CORE_READ(task, tgid);
    __u64 *slot = bpf_map_lookup_elem(&counters, &key);
    if (slot)
        *slot = pid;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
