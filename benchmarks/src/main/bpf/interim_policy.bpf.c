// INTERIM policy verdict program used only until the k8s-policy datapath (bpf-src policy.bpf.c) is on main: a tc
// program that allows an IPv4 TCP/UDP packet when an LPM rule (destination port, protocol, source CIDR) matches and
// drops it otherwise. Results measured with it are labelled "interim" in benchmarks/results/policy.csv.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct rule_key {
	__u32 prefixlen; // 32 (port, proto, pad) + source prefix length
	__u16 dport;     // network order
	__u8 proto;
	__u8 pad;
	__u32 saddr;     // network order
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	// Sizes rather than BTF types: the benchmark writes the key as 12 raw bytes.
	__uint(key_size, sizeof(struct rule_key));
	__uint(value_size, sizeof(__u32));
} rules SEC(".maps");

SEC("tcx/ingress")
int interim_policy(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(0x0800))
		return TCX_PASS;
	if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP)
		return TCX_PASS;
	__u16 *ports = (void *)ip + ip->ihl * 4;
	if ((void *)(ports + 2) > end)
		return TCX_DROP;
	struct rule_key k = { .prefixlen = 64, .dport = ports[1], .proto = ip->protocol, .saddr = ip->saddr };
	return bpf_map_lookup_elem(&rules, &k) ? TCX_PASS : TCX_DROP;
}

char LICENSE[] SEC("license") = "GPL";
