package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.maps.internal.MapCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compiles and loads the test BPF object, and runs XDP programs with BPF_PROG_TEST_RUN. */
final class TestObjects {
    private TestObjects() {}

    static BpfObject load(Path tempDir) throws Exception {
        Path src = Path.of("src/test/bpf/maps_test.bpf.c").toAbsolutePath();
        Path out = Files.createTempDirectory(tempDir, "obj").resolve("maps_test.bpf.o");
        BpfBuilder.create().compile(src, out);
        return BpfObject.open(out).load();
    }

    /** Runs an XDP program {@code repeat} times on a 64-byte zero packet; returns its last return value. */
    static int testRun(ProgramHandle program, int repeat) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packet = arena.allocate(64);
            MemorySegment opts = arena.allocate(80, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 80);
            opts.set(ValueLayout.ADDRESS, 8, packet);
            opts.set(ValueLayout.JAVA_INT, 24, 64);
            opts.set(ValueLayout.JAVA_INT, 60, repeat);
            int r = (int) MapCalls.TEST_RUN.invokeExact(program.fd(), opts);
            if (r != 0) throw BpfException.of("prog test run " + program.name(), -r);
            return opts.get(ValueLayout.JAVA_INT, 56);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Pins the calling thread to one CPU (or, with {@code cpu < 0}, lets it run on every CPU again), so that
     * successive BPF_PROG_TEST_RUN calls write to the same per-CPU buffer.
     */
    static void pinThread(int cpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(128, 8);
            if (cpu >= 0) mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            else mask.fill((byte) 0xFF);
            var setaffinity = Native.libcErrno("sched_setaffinity", java.lang.foreign.FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
            int r = (int) setaffinity.invokeExact(Native.captureSegment(), 0, 128L, mask);
            if (r != 0) throw BpfException.of("sched_setaffinity", Native.capturedErrno());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Mounts bpffs at /sys/fs/bpf when it is not mounted (the host does not mount it by default). */
    static void ensureBpffs() throws Exception {
        if (Files.readString(Path.of("/proc/mounts")).contains(" /sys/fs/bpf bpf ")) return;
        Process p = new ProcessBuilder("mount", "-t", "bpf", "bpf", "/sys/fs/bpf").inheritIO().start();
        if (p.waitFor() != 0) throw new IllegalStateException("cannot mount bpffs at /sys/fs/bpf");
    }
}
