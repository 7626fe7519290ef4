/**
 * Loading BPF objects: open an ELF object, adjust it, load it with CO-RE against the kernel's BTF, and get its
 * maps and programs; the sealed {@link dev.ebpf4j.core.BpfException} family reports what failed and why.
 *
 * {@snippet class="dev.ebpf4j.core.PackageSnippets" region="example"}
 *
 * <p>Pins: {@link dev.ebpf4j.core.BpfPins} pins any map of a loaded object and renames or replaces pins in one step;
 * {@link dev.ebpf4j.core.PinDirLock} keeps a pin directory to one process at a time. What the kernel holds, by id,
 * is in {@link dev.ebpf4j.core.inspect}.
 *
 * <p>Requirements: Linux 5.8 or newer with BTF ({@code /sys/kernel/btf/vmlinux}, or a BTF file given with
 * {@link dev.ebpf4j.core.ObjectOptions#kernelBtf}); CAP_BPF (or CAP_SYS_ADMIN) to load, plus CAP_NET_ADMIN or
 * CAP_PERFMON depending on the program type; JDK 22+ with native access enabled for {@code dev.ebpf4j.core}
 * ({@code --enable-native-access=dev.ebpf4j.core}, or {@code ALL-UNNAMED} on the class path). libbpf 1.4.6 is
 * bundled in the jar and extracted on first use; see {@link dev.ebpf4j.core.Libbpf}.
 */
package dev.ebpf4j.core;
