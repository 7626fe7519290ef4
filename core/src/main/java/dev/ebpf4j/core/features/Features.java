package dev.ebpf4j.core.features;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.internal.libbpf.LibbpfLog;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the running kernel and this process can do. Program and map type probes load a minimal program or
 * create a minimal map (through libbpf's probes) and cache the answer for the life of the JVM.
 *
 * {@snippet :
 * if (Features.has(MapType.LRU_HASH)) { ... }
 * Availability xdp = Features.probe(ProgramType.XDP);
 * }
 */
public final class Features {
    private static final Map<Object, Availability> CACHE = new ConcurrentHashMap<>();

    private Features() {}

    /** Whether the kernel can load programs of this type. */
    public static boolean has(ProgramType type) {
        return probe(type).isAvailable();
    }

    /** Whether the kernel can create maps of this type. */
    public static boolean has(MapType type) {
        return probe(type).isAvailable();
    }

    public static Availability probe(ProgramType type) {
        return CACHE.computeIfAbsent(type, t -> answer(call(Probes.PROG_TYPE, type.value())));
    }

    public static Availability probe(MapType type) {
        return CACHE.computeIfAbsent(type, t -> answer(call(Probes.MAP_TYPE, type.value())));
    }

    public static KernelVersion kernelVersion() {
        return KernelVersion.running();
    }

    /** This thread's effective capabilities among those eBPF needs. */
    public static Set<Capability> capabilities() {
        return Capability.effective();
    }

    /** Whether a bpffs is mounted at this path (usually {@code /sys/fs/bpf}). */
    public static boolean bpffsMounted(Path path) {
        return mountType(path).equals("bpf");
    }

    /** Whether the kernel exposes its BTF at {@code /sys/kernel/btf/vmlinux} (needed for CO-RE without a BTF file). */
    public static boolean kernelBtf() {
        return Files.isReadable(Btf.KERNEL_BTF);
    }

    static String mountType(Path path) {
        try {
            String target = path.toAbsolutePath().normalize().toString();
            String type = "";
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals(target)) type = f[2]; // the last mount on a path wins
            }
            return type;
        } catch (IOException e) {
            return "";
        }
    }

    private static Availability answer(int result) {
        if (result > 0) return Availability.AVAILABLE;
        if (result == 0) return Availability.NOT_SUPPORTED;
        return Availability.INCONCLUSIVE;
    }

    private static int call(MethodHandle probe, int type) {
        try (LibbpfLog.Capture ignored = LibbpfLog.capture()) {
            return (int) probe.invokeExact(type, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static final class Probes {
        // int libbpf_probe_bpf_prog_type(enum bpf_prog_type prog_type, const void *opts): 1 yes, 0 no, <0 error
        static final MethodHandle PROG_TYPE = Native.downcall("libbpf_probe_bpf_prog_type",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_POINTER));
        static final MethodHandle MAP_TYPE = Native.downcall("libbpf_probe_bpf_map_type",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_POINTER));
    }
}
