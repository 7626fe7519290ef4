// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Puts struct observe_event / observe_l7_event into BTF (ring buffer records have no map value type to carry them). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "observe_event.h"

struct observe_l7_event observe_layout_anchor;

char LICENSE[] SEC("license") = "Dual BSD/GPL";
