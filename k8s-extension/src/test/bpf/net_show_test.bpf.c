// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Pass-through programs for the net show test: one per hook kind it lists. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int ns_xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int ns_cls_pass(struct __sk_buff *skb)
{
	return 0; /* TC_ACT_OK */
}

SEC("tcx/ingress")
int ns_tcx_first(struct __sk_buff *skb)
{
	return -1; /* TCX_NEXT */
}

SEC("tcx/ingress")
int ns_tcx_second(struct __sk_buff *skb)
{
	return -1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
