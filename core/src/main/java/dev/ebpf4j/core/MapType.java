package dev.ebpf4j.core;

/**
 * The kernel's map types ({@code enum bpf_map_type}); {@link #value()} is the kernel number.
 * A test checks every constant against the running kernel's BTF.
 */
public enum MapType {
    UNSPEC, HASH, ARRAY, PROG_ARRAY, PERF_EVENT_ARRAY, PERCPU_HASH, PERCPU_ARRAY, STACK_TRACE, CGROUP_ARRAY,
    LRU_HASH, LRU_PERCPU_HASH, LPM_TRIE, ARRAY_OF_MAPS, HASH_OF_MAPS, DEVMAP, SOCKMAP, CPUMAP, XSKMAP, SOCKHASH,
    CGROUP_STORAGE, REUSEPORT_SOCKARRAY, PERCPU_CGROUP_STORAGE, QUEUE, STACK, SK_STORAGE, DEVMAP_HASH, STRUCT_OPS,
    RINGBUF, INODE_STORAGE, TASK_STORAGE, BLOOM_FILTER, USER_RINGBUF, CGRP_STORAGE, ARENA;

    /** The kernel's number for this type. */
    public int value() {
        return ordinal();
    }

    /** The type for a kernel number. */
    public static MapType of(int value) {
        MapType[] all = values();
        if (value < 0 || value >= all.length) throw new IllegalArgumentException("unknown map type " + value);
        return all[value];
    }

    /** Whether values are stored once per possible CPU. */
    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH || this == PERCPU_CGROUP_STORAGE;
    }
}
