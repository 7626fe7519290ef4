package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/** Moves the calling thread into a network namespace ({@code setns(2)}); interface indexes and routes follow it. */
public final class Netns {
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    private static final class H {
        static final MethodHandle OPEN = Native.libcErrno("open", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
        static final MethodHandle SETNS = Native.libcErrno("setns", FunctionDescriptor.of(C_INT, C_INT, C_INT));
        static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(C_INT, C_INT));
    }

    private Netns() {}

    /**
     * Enters the namespace of the file at {@code path} (say {@code /run/netns/NAME} or {@code /proc/PID/ns/net}) on the
     * calling thread only; needs CAP_SYS_ADMIN.
     */
    public static void enter(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) H.OPEN.invokeExact(Native.captureSegment(), arena.allocateFrom(path.toString()), O_RDONLY_CLOEXEC);
            if (fd < 0) throw BpfException.of("open network namespace " + path, Native.capturedErrno());
            try {
                int r = (int) H.SETNS.invokeExact(Native.captureSegment(), fd, CLONE_NEWNET);
                if (r < 0) throw BpfException.of("setns into " + path, Native.capturedErrno());
            } finally {
                int ignored = (int) H.CLOSE.invokeExact(fd);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
