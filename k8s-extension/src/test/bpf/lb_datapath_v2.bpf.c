// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Layout 2 of the LB object, for LayoutUpgradeIT only: bpf-src's lb_datapath.bpf.c with struct lb_rev (the
 * lb_sock_rev value) grown by a __u32 generation, 20 -> 24 bytes. Compile with -I bpf-src/src/main/bpf.
 */
#define EBPF4J_LB_TEST_LAYOUT_V2 1
#include "lb_datapath.bpf.c"
