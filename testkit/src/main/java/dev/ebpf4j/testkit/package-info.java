/**
 * Test support for code that uses eBPF: {@link dev.ebpf4j.testkit.FdLeakCheck} fails a class that leaks
 * file descriptors; {@link dev.ebpf4j.testkit.NetNamespace} and {@link dev.ebpf4j.testkit.Topology} give tests real
 * interfaces (veth pairs) in namespaces with no route out, run code inside them on a thread that entered them with
 * {@code setns}, and always delete them; {@link dev.ebpf4j.testkit.TestCgroup} is a throwaway cgroup v2 a test can move
 * its JVM into; {@link dev.ebpf4j.testkit.KernelMounts} mounts bpffs and tracefs where missing; {@link
 * dev.ebpf4j.testkit.Shell} runs {@code ip}/{@code tc}.
 *
 * {@snippet class="dev.ebpf4j.testkit.PackageSnippets" region="example"}
 *
 * <p>Requirements: Linux; the namespace helpers need root (CAP_SYS_ADMIN, CAP_NET_ADMIN), iproute2 and
 * {@code --enable-native-access} for the {@code setns} downcall (testkit uses FFM directly, not ebpf4j-core).
 */
package dev.ebpf4j.testkit;
