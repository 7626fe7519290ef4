/**
 * Attaching eBPF programs to kernel hooks: typed programs narrowed from a loaded object's
 * {@link dev.ebpf4j.core.ProgramHandle}, {@link dev.ebpf4j.programs.Link}s that detach on close, and
 * {@link dev.ebpf4j.programs.ProgramTester} to run packet programs with {@code BPF_PROG_TEST_RUN}.
 *
 * {@snippet class="dev.ebpf4j.programs.PackageSnippets" region="example"}
 *
 * <p>Hooks: XDP ({@link dev.ebpf4j.programs.XdpProgram}), TC ({@link dev.ebpf4j.programs.TcProgram}), socket filters,
 * cgroup sock_addr/sockops/skb, sk_msg/sk_skb on sockmaps, sk_lookup on a network namespace, tracepoints, raw
 * tracepoints and tp_btf, kprobes/kretprobes/kprobe_multi, uprobes/uretprobes/uprobe_multi, fentry/fexit, BPF
 * iterators ({@link dev.ebpf4j.programs.IterProgram}, read with {@link dev.ebpf4j.programs.BpfIterator}), netfilter
 * hooks, struct_ops maps ({@link dev.ebpf4j.programs.StructOps}) and netkit devices
 * ({@link dev.ebpf4j.programs.NetkitDevice}).
 *
 * <p>Attach never removes what it did not create: an XDP attach fails rather than displace another program unless told
 * which one to replace; a TC attach adds a clsact qdisc only when missing and never deletes a qdisc or another filter.
 * Interface names and indexes are those of the calling thread's network namespace.
 *
 * <p>Thread safety: program views and {@link dev.ebpf4j.programs.ProgramTester} are immutable and thread-safe. A
 * {@link dev.ebpf4j.programs.Link} serializes its own calls: {@code info()}, {@code update()}, pinning and
 * {@code close()} may come from any thread, and a call racing with {@code close()} either completes first or throws
 * {@link java.lang.IllegalStateException}, never acting on a closed (and possibly reused) fd number. Closing the
 * {@link dev.ebpf4j.core.BpfObject} that owns a program while another thread attaches it is not guarded.
 *
 * <p>Requirements: Linux 5.15+ with CAP_BPF and CAP_NET_ADMIN (CAP_PERFMON for tracing, CAP_SYS_ADMIN for cgroup and
 * namespace hooks); tcx needs 6.6+, sockmap links 6.10+ (older kernels fall back to {@code BPF_PROG_ATTACH}); tracepoint
 * attach needs tracefs mounted; kprobes need CONFIG_KPROBES; fentry/fexit need BPF trampolines (ftrace); netfilter links
 * need 6.4+ (CONFIG_NETFILTER_BPF_LINK), uprobe_multi 6.6+, struct_ops links 6.4+, netkit 6.7+ (CONFIG_NETKIT).
 */
package dev.ebpf4j.programs;
