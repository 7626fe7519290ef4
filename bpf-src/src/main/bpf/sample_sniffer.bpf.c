// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// Socket filter for a packet (AF_PACKET, SOCK_RAW) socket: keeps IPv4 TCP SYNs without ACK (connection attempts),
// DNS (UDP port 53 either way) and UDP/TCP to or from the .rodata constant `port`; every other frame is cut to
// 0 bytes, which the kernel drops before it reaches the socket. Kept and dropped frames are counted per CPU in
// sniff_stats (slot 0 kept, 1 dropped).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800
#define ETH_HLEN 14

const volatile __u16 port = 7000;

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} sniff_stats SEC(".maps");

static __always_inline bool wanted(struct __sk_buff *skb)
{
    __u16 proto;
    struct iphdr ip;
    __u16 ports[2];

    // A packet socket's filter sees the frame from its Ethernet header.
    if (bpf_skb_load_bytes(skb, 12, &proto, 2) || proto != bpf_htons(ETH_P_IP))
        return false;
    if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)))
        return false;
    if (ip.protocol != IPPROTO_TCP && ip.protocol != IPPROTO_UDP)
        return false;
    __u32 l4 = ETH_HLEN + ip.ihl * 4;
    if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
        return false;
    __u16 sport = bpf_ntohs(ports[0]), dport = bpf_ntohs(ports[1]);
    if (port && (sport == port || dport == port))
        return true;
    if (ip.protocol == IPPROTO_UDP)
        return sport == 53 || dport == 53;
    __u8 flags;
    if (bpf_skb_load_bytes(skb, l4 + 13, &flags, 1))
        return false;
    return (flags & 0x12) == 0x02; // SYN set, ACK clear
}

SEC("socket")
int sniff(struct __sk_buff *skb)
{
    bool keep = wanted(skb);
    __u32 slot = keep ? 0 : 1;
    __u64 *n = bpf_map_lookup_elem(&sniff_stats, &slot);
    if (n)
        *n += 1;
    return keep ? skb->len : 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
