// Test object for Variable: an XDP program that BPF_PROG_TEST_RUN runs adds a .data input, scaled by a .rodata
// constant, into a .bss counter, and copies a .data struct into a .bss one, so Java can write inputs and read
// results through the mmap'd sections.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct pair {
    __u32 first;
    __u32 second;
};

const volatile __u32 scale = 1;  /* .rodata, set before load */
__u64 input = 1;                 /* .data */
__u64 counter;                   /* .bss */
__u32 runs;                      /* .bss */
struct pair in_pair = { 1, 2 };  /* .data */
struct pair out_pair;            /* .bss */

SEC("xdp")
int add_input(struct xdp_md *ctx)
{
    counter += input * scale;
    runs++;
    out_pair.first = in_pair.second;
    out_pair.second = in_pair.first;
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
