/**
 * The {@code ebpf4j} command line: hubble-like {@code observe}, cilium-like {@code status}, {@code service list},
 * {@code endpoint list}, {@code policy get} and {@code monitor}, and bpftool-like {@code prog list}, {@code map list},
 * {@code map dump} and {@code net show}; tables (colour and progress on a terminal, plain text when piped),
 * {@code -o json} (one object per line) and {@code generate-completion} for bash/zsh.
 *
 * {@snippet class="dev.ebpf4j.k8s.cli.PackageSnippets" region="example"}
 *
 * <p>The agent views read a running node agent's pinned maps read-only, as {@code cilium bpf lb list} does:
 * {@code PIN_DIR/lb-v1/maps/lb_*} and {@code PIN_DIR/policy-v1/maps/policy_*} ({@link dev.ebpf4j.k8s.cli.PinnedState});
 * absent pins are an error that says so. {@code net show} lists XDP (netlink or link), cls_bpf filters on clsact and
 * tcx chains per interface, in this or another ({@code --netns}) network namespace.
 *
 * <p>Requirements: root or CAP_SYS_ADMIN (BPF object IDs, BPF_F_RDONLY opens of pins, setns); BPF object IDs need
 * Linux 4.13+, tcx listing 6.6+ (older kernels show no tcx rows).
 */
package dev.ebpf4j.k8s.cli;
