// Test object for the local storage maps: tp_btf programs, filtered to one test thread, count into the socket storage
// Java seeded on every TCP state change of that socket, and into task and cgroup storage on every getppid() that thread makes.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct sk_val {
    __u32 transitions;
    __u32 last_state;
    __u64 seed; /* written by Java, kept by the program */
};

struct counter {
    __u64 hits;
    __u64 seed;
};

struct {
    __uint(type, BPF_MAP_TYPE_SK_STORAGE);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, int);
    __type(value, struct sk_val);
} sk_stg SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, int);
    __type(value, struct counter);
} task_stg SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, int);
    __type(value, struct counter);
} cgrp_stg SEC(".maps");

__u32 target_tid;  /* the test thread; 0 = off */
long trigger_nr;   /* the syscall number that counts (getppid) */

static bool is_target(void)
{
    return target_tid && (__u32)bpf_get_current_pid_tgid() == target_tid;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_state, struct sock *sk, int oldstate, int newstate)
{
    struct sk_val *v;

    /* Only sockets Java gave storage to count: no create flag, so other sockets on the host are left alone. */
    v = bpf_sk_storage_get(&sk_stg, sk, 0, 0);
    if (v) {
        v->transitions++;
        v->last_state = newstate;
    }
    return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_enter, struct pt_regs *regs, long id)
{
    struct task_struct *task;
    struct counter *c;

    if (id != trigger_nr || !is_target())
        return 0;
    task = bpf_get_current_task_btf();
    c = bpf_task_storage_get(&task_stg, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (c)
        c->hits++;
    c = bpf_cgrp_storage_get(&cgrp_stg, task->cgroups->dfl_cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (c)
        c->hits++;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
