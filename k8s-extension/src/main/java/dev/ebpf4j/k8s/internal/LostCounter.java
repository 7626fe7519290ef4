package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/** Sums slot 0 of a per-CPU {@code __u64} array over all CPUs: the datapath's lost-event counters. */
public final class LostCounter {
    private static final MethodHandle LOOKUP = Native.downcall("bpf_map_lookup_elem", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    private final MapHandle map;
    private final int cpus;

    /** A counter over {@code map}, a PERCPU_ARRAY with 4-byte keys and 8-byte values. */
    public LostCounter(MapHandle map) {
        if (map.type() != MapType.PERCPU_ARRAY || map.keySize() != 4 || map.valueSize() != 8) {
            throw new IllegalArgumentException(map.name() + " is not a per-CPU array of __u64");
        }
        this.map = map;
        this.cpus = Introspection.possibleCpus();
    }

    /** The sum over CPUs. */
    public long sum() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(4), values = a.allocate(8L * cpus, 8);
            int rc = (int) LOOKUP.invokeExact(map.fd(), key, values);
            if (rc < 0) throw BpfException.of("map lookup elem " + map.name(), rc);
            long sum = 0;
            for (int i = 0; i < cpus; i++) sum += values.getAtIndex(ValueLayout.JAVA_LONG, i);
            return sum;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
