// Test object for InodeStorageMap: a BPF LSM program counts file_open calls of one test thread into inode storage.
// The program is loaded separately (autoload off in the object) because hosts without BPF LSM refuse it.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct counter {
    __u64 hits;
    __u64 seed;
};

struct {
    __uint(type, BPF_MAP_TYPE_INODE_STORAGE);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, int);
    __type(value, struct counter);
} inode_stg SEC(".maps");

__u32 target_tid;

SEC("lsm/file_open")
int BPF_PROG(on_open, struct file *file)
{
    struct counter *c;

    if (!target_tid || (__u32)bpf_get_current_pid_tgid() != target_tid)
        return 0;
    c = bpf_inode_storage_get(&inode_stg, file->f_inode, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (c)
        c->hits++;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
