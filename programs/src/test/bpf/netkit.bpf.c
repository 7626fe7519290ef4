// netkit programs: the primary side drops UDP to one port and counts its verdicts; the peer side counts what the peer
// transmits and passes it. Like TC programs they see an Ethernet header first, in L3 mode too (skb->len of a 10-byte
// UDP datagram is 52: 14 + 20 + 8 + 10).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define ETH_P_IP 0x0800
#define ETH_HLEN 14

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 5);
    __type(key, __u32);
    __type(value, __u64);
} verdicts SEC(".maps");

enum { PRIMARY_PASS, PRIMARY_DROP, PEER_SEEN, PRIMARY_RUNS, PEER_RUNS };

volatile const __u16 drop_port = 0;

static __always_inline void count(__u32 key)
{
    __u64 *v = bpf_map_lookup_elem(&verdicts, &key);
    if (v)
        __sync_fetch_and_add(v, 1);
}

static __always_inline int udp_dest(struct __sk_buff *skb)
{
    struct iphdr ip;
    struct udphdr udp;
    if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)))
        return -1;
    if (ip.protocol != IPPROTO_UDP || bpf_skb_load_bytes(skb, ETH_HLEN + ip.ihl * 4, &udp, sizeof(udp)))
        return -1;
    return bpf_ntohs(udp.dest);
}

SEC("netkit/primary")
int primary_drop_port(struct __sk_buff *skb)
{
    count(PRIMARY_RUNS);
    int port = udp_dest(skb);
    if (port < 0)
        return TC_ACT_OK;
    if (port == drop_port) {
        count(PRIMARY_DROP);
        return TC_ACT_SHOT;
    }
    count(PRIMARY_PASS);
    return TC_ACT_OK;
}

SEC("netkit/peer")
int peer_count(struct __sk_buff *skb)
{
    count(PEER_RUNS);
    if (udp_dest(skb) >= 0)
        count(PEER_SEEN);
    return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
