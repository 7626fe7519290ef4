// BPF iterators: every task (tgid and tid as text) and the TCP sockets of the reader's network namespace (state and
// local port as text).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
    struct seq_file *seq = ctx->meta->seq;
    struct task_struct *task = ctx->task;
    if (!task)
        return 0;
    BPF_SEQ_PRINTF(seq, "%d %d\n", task->tgid, task->pid);
    return 0;
}

SEC("iter/tcp")
int dump_tcp(struct bpf_iter__tcp *ctx)
{
    struct sock_common *skc = ctx->sk_common;
    if (!skc)
        return 0;
    // skc_num is the local port in host order; skc_state is TCP_LISTEN (10) for a listener.
    BPF_SEQ_PRINTF(ctx->meta->seq, "%u %u\n", skc->skc_state, skc->skc_num);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
