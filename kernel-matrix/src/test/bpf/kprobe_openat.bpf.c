// Counts do_sys_openat2 calls made by one process (target_tgid, set before load) through a kprobe.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile __u32 target_tgid = 0;

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} hits SEC(".maps");

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(count_openat, int dfd, const char *filename)
{
    __u32 key = 0;
    if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return 0;
    __u64 *value = bpf_map_lookup_elem(&hits, &key);
    if (value)
        __sync_fetch_and_add(value, 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
