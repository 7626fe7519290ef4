// Counts this process's do_sys_openat2 entries (fentry) and returns (fexit); target_tgid is set before load.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile __u32 target_tgid = 0;

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} calls SEC(".maps");

static __always_inline void count(__u32 key)
{
    if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return;
    __u64 *value = bpf_map_lookup_elem(&calls, &key);
    if (value)
        __sync_fetch_and_add(value, 1);
}

SEC("fentry/do_sys_openat2")
int BPF_PROG(on_entry, int dfd, const char *filename)
{
    count(0);
    return 0;
}

SEC("fexit/do_sys_openat2")
int BPF_PROG(on_exit, int dfd, const char *filename, struct open_how *how, long ret)
{
    if (ret >= 0)
        count(1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
