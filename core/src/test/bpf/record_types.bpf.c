// Test object for JavaTypeGenerator: map key and value structs with padding, nested and anonymous structs, arrays,
// a union member, an enum, a bitfield struct and a union value. Only the BTF matters; the program is trivial.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

enum gen_color { GEN_RED = 1, GEN_GREEN = 2, GEN_BLUE = 0xffffffff };

struct gen_inner {
    __u16 port;
    __u8 proto;
};

struct gen_key {
    __u8 family;
    __be32 addr;
    struct gen_inner inner;
    __u64 cookie;
    __u32 ports[3];
    char name[5];
    struct {
        __u16 a;
        __u16 b;
    } pair;
    enum gen_color color;
    union {
        __u32 v4;
        __u8 v6[16];
    } ip;
    bool flag;
};

struct gen_value {
    __s64 delta;
    struct gen_inner hops[2];
    __u16 grid[2][3];
};

typedef struct {
    __u32 id;
} gen_anon_t;

struct gen_bits {
    __u32 low : 3;
    __u32 high : 29;
};

union gen_union {
    __u32 x;
    __u64 y;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, struct gen_key);
    __type(value, struct gen_value);
} keyed SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, gen_anon_t);
} anon SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct gen_bits);
} bits SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, union gen_union);
} unioned SEC(".maps");

SEC("xdp")
int xdp_types(struct xdp_md *ctx)
{
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
