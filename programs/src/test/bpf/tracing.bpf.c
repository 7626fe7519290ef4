// Tracing programs the host kernel can run: tracepoint, raw tracepoint, tp_btf, uprobe, uretprobe.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

volatile const __u32 target_tgid = 0;

static __always_inline void bump(__u32 key)
{
    __u64 *v = bpf_map_lookup_elem(&counts, &key);
    if (v)
        __sync_fetch_and_add(v, 1);
}

static __always_inline int ours(void)
{
    return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

/* Execs of children of this JVM (their parent is target_tgid). */
static __always_inline int child_of_ours(void)
{
    struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
    return task->real_parent->tgid == target_tgid;
}

SEC("tracepoint/sched/sched_process_exec")
int tp_exec(void *ctx)
{
    if (child_of_ours())
        bump(0);
    return 0;
}

SEC("raw_tp/sched_process_exec")
int raw_exec(void *ctx)
{
    if (child_of_ours())
        bump(1);
    return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(btf_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
    if (p->real_parent->tgid == target_tgid)
        bump(2);
    return 0;
}

SEC("uprobe")
int BPF_KPROBE(up_getpid)
{
    if (ours())
        bump(3);
    return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(uret_getpid, int ret)
{
    if (ours() && ret == target_tgid)
        bump(4);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
