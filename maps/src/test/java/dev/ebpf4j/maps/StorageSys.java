package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The few syscalls the local storage tests need to hold kernel objects by fd: sockets, pidfds, cgroup dirs, files. */
final class StorageSys {
    private StorageSys() {}

    static final int AF_INET = 2, SOCK_STREAM = 1, O_RDONLY = 0, O_DIRECTORY = 0200000, PIDFD_THREAD = 0200;
    static final long SYS_GETTID = 186, SYS_GETPPID = 110, SYS_PIDFD_OPEN = 434;

    private static final MethodHandle SOCKET = Native.libcErrno("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = Native.libcErrno("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ValueLayout.ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN = Native.libcErrno("open", FunctionDescriptor.of(JAVA_INT, ValueLayout.ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SYSCALL2 = Native.libcErrno("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle RAW_TP_OPEN = Native.downcall("bpf_raw_tracepoint_open",
            FunctionDescriptor.of(JAVA_INT, ValueLayout.ADDRESS, JAVA_INT));

    static int socketTcp4() {
        return check("socket", call(() -> (int) SOCKET.invokeExact(Native.captureSegment(), AF_INET, SOCK_STREAM, 0)));
    }

    /** Blocking connect to 127.0.0.1:{@code port}; returns 0 or the errno. */
    static int connectLoopback(int fd, int port) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sin = a.allocate(16);
            sin.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            sin.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >> 8));
            sin.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
            sin.set(ValueLayout.JAVA_BYTE, 4, (byte) 127);
            sin.set(ValueLayout.JAVA_BYTE, 7, (byte) 1);
            int r = call(() -> (int) CONNECT.invokeExact(Native.captureSegment(), fd, sin, 16));
            return r == 0 ? 0 : Native.capturedErrno();
        }
    }

    static int open(Path path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(path.toString());
            return check("open " + path, call(() -> (int) OPEN.invokeExact(Native.captureSegment(), p, flags)));
        }
    }

    static void close(int fd) {
        call(() -> (int) CLOSE.invokeExact(fd));
    }

    static long syscall(long nr, long a, long b) {
        long r = call(() -> (long) SYSCALL2.invokeExact(Native.captureSegment(), nr, a, b));
        if (r < 0) throw BpfException.of("syscall " + nr, Native.capturedErrno());
        return r;
    }

    static int gettid() {
        return (int) syscall(SYS_GETTID, 0, 0);
    }

    /** A pidfd of the calling thread (not its process's leader). */
    static int pidfdOfThisThread() {
        return (int) syscall(SYS_PIDFD_OPEN, gettid(), PIDFD_THREAD);
    }

    /** Attaches a tp_btf or LSM program (its target is in its BTF); closing the returned fd detaches it. */
    static int attachTracing(ProgramHandle program) {
        int fd = call(() -> (int) RAW_TP_OPEN.invokeExact(MemorySegment.NULL, program.fd()));
        if (fd < 0) throw BpfException.of("attach " + program.name(), -fd);
        return fd;
    }

    private static int check(String op, int r) {
        if (r < 0) throw BpfException.of(op, Native.capturedErrno());
        return r;
    }

    private interface Call<T> {
        T call() throws Throwable;
    }

    private static <T> T call(Call<T> c) {
        try {
            return c.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
