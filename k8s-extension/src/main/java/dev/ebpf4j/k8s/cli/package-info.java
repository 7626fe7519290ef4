/**
 * The {@code ebpf4j} command line: hubble-like {@code observe}, cilium-like {@code status}/{@code service list}/
 * {@code endpoint list}/{@code policy get}/{@code monitor}, and bpftool-like {@code prog}, {@code map} and {@code net}.
 *
 * {@snippet :
 * // ebpf4j observe --from-pod default/frontend --type l7 -o json
 * int exit = Ebpf4jCli.run(new CliContext(...), "observe", "--type", "l7", "-o", "json");
 * }
 *
 * <p>Requirements: listing programs, maps and attachments needs CAP_SYS_ADMIN (BPF_*_GET_NEXT_ID) and a kernel
 * with BPF object IDs (4.13+); tcx listing needs 6.6+.
 */
package dev.ebpf4j.k8s.cli;
