package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compiles the test BPF sources and reads maps with raw lookups (the typed maps module is separate). */
final class TestObjects {
    private static final MethodHandle LOOKUP = Native.downcall("bpf_map_lookup_elem",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle UPDATE = Native.downcall("bpf_map_update_elem",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static Path dir;

    private TestObjects() {}

    /**
     * Compiles {@code src/test/bpf/NAME.bpf.c} (copied to the test class path as {@code /bpf/NAME.bpf.c}, so it is in
     * the test-jar too) into a temp directory and opens it.
     */
    static synchronized BpfObjectSpec open(String name) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("e4j-prog-bpf");
                dir.toFile().deleteOnExit();
            }
            Path source = dir.resolve(name + ".bpf.c");
            try (var in = TestObjects.class.getResourceAsStream("/bpf/" + name + ".bpf.c")) {
                if (in == null) throw new IllegalArgumentException("no test BPF source /bpf/" + name + ".bpf.c on the class path");
                Files.write(source, in.readAllBytes());
            }
            source.toFile().deleteOnExit();
            Path out = dir.resolve(name + ".bpf.o");
            BpfBuilder.create().compile(source, out);
            out.toFile().deleteOnExit();
            return BpfObject.open(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compiled object file (for tools such as {@code tc ... bpf obj}). */
    static synchronized Path objectFile(String name) {
        open(name).close();
        return dir.resolve(name + ".bpf.o");
    }

    /** A u64 value at a u32 key, or -1 when absent. */
    static long u64(MapHandle map, int key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocateFrom(ValueLayout.JAVA_INT, key);
            MemorySegment v = arena.allocate(8);
            int r = (int) LOOKUP.invokeExact(map.fd(), k, v);
            return r < 0 ? -1 : v.get(ValueLayout.JAVA_LONG, 0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** A u64 value at a u64 key, or -1 when absent. */
    static long u64(MapHandle map, long key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocateFrom(ValueLayout.JAVA_LONG, key);
            MemorySegment v = arena.allocate(8);
            int r = (int) LOOKUP.invokeExact(map.fd(), k, v);
            return r < 0 ? -1 : v.get(ValueLayout.JAVA_LONG, 0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Writes raw key and value bytes. */
    static void put(MapHandle map, byte[] key, byte[] value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(key.length).copyFrom(MemorySegment.ofArray(key));
            MemorySegment v = arena.allocate(value.length).copyFrom(MemorySegment.ofArray(value));
            int r = (int) UPDATE.invokeExact(map.fd(), k, v, 0L);
            if (r < 0) throw new AssertionError("map update " + map.name() + ": " + r);
        } catch (Throwable t) {
            if (t instanceof AssertionError a) throw a;
            throw new AssertionError(t);
        }
    }

    /** Writes a u32 key and a u32 value (sockmap fds, array indexes). */
    static void putInt(MapHandle map, int key, int value) {
        put(map, ints(key), ints(value));
    }

    static byte[] ints(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
