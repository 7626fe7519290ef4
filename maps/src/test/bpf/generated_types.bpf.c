// Test object for using records generated from BTF (JavaTypeGenerator) as map codecs: a key with padding, an array,
// an anonymous nested struct and a char array; a value with an array of structs and a 2-D array. The program finds
// the entry Java wrote under a key it builds itself and copies it, changed, into `copied`, so a wrong Java layout
// shows as a missing entry or wrong values.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct gen_hop {
    __u32 ifindex;
    __u16 mtu;
};

struct gen_flow_key {
    __u8 family;
    __be32 addr[4];
    struct {
        __u16 sport;
        __u16 dport;
    } ports;
    __u8 proto;
    char iface[6];
};

struct gen_flow_stats {
    __u64 packets;
    struct gen_hop hops[2];
    __u16 grid[2][3];
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, struct gen_flow_key);
    __type(value, struct gen_flow_stats);
} flows SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct gen_flow_stats);
} copied SEC(".maps");

SEC("xdp")
int copy_flow(struct xdp_md *ctx)
{
    struct gen_flow_key k;
    __builtin_memset(&k, 0, sizeof(k));
    k.family = 2;
    k.addr[0] = bpf_htonl(0x0a000001);
    k.ports.sport = 1234;
    k.ports.dport = 80;
    k.proto = 6;
    __builtin_memcpy(k.iface, "veth0", 6);
    struct gen_flow_stats *v = bpf_map_lookup_elem(&flows, &k);
    if (!v)
        return XDP_ABORTED;
    __u32 zero = 0;
    struct gen_flow_stats *o = bpf_map_lookup_elem(&copied, &zero);
    if (!o)
        return XDP_ABORTED;
    *o = *v;
    o->packets += 1;
    o->hops[1].mtu += 1;
    o->grid[1][2] += 1;
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
