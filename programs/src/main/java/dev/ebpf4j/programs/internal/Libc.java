package dev.ebpf4j.programs.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_LONG;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/** The libc calls attach needs (sockets, perf events, namespaces), each failing with a {@link BpfException}. */
public final class Libc {
    private Libc() {}

    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle OPEN = Native.libcErrno("open", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    private static final MethodHandle SETSOCKOPT = Native.libcErrno("setsockopt",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle GETSOCKOPT = Native.libcErrno("getsockopt",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER));
    private static final MethodHandle SETNS = Native.libcErrno("setns", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle IF_NAMETOINDEX = Native.libcErrno("if_nametoindex", FunctionDescriptor.of(C_INT, C_POINTER));
    private static final MethodHandle DUP = Native.libcErrno("dup", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle READ = Native.libcErrno("read", FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG));
    // long syscall(long number, ...): perf_event_open(attr, pid, cpu, group_fd, flags)
    private static final MethodHandle PERF_EVENT_OPEN = Native.libcErrno("syscall",
            FunctionDescriptor.of(C_LONG, C_LONG, C_POINTER, C_INT, C_INT, C_INT, C_LONG), Linker.Option.firstVariadicArg(1));
    private static final long SYS_PERF_EVENT_OPEN = 298, PERF_FLAG_FD_CLOEXEC = 8; // x86_64
    public static final int O_RDONLY = 0, O_CLOEXEC = 0x80000, CLONE_NEWNET = 0x40000000;
    public static final int SOL_SOCKET = 1, SO_ATTACH_BPF = 50, SO_DETACH_BPF = 27, SO_NETNS_COOKIE = 71;

    public static void close(int fd) {
        if (fd < 0) return;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int open(String path, String operation) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(Native.captureSegment(), arena.allocateFrom(path), O_RDONLY | O_CLOEXEC);
            if (fd < 0) throw BpfException.of(operation + " " + path, Native.capturedErrno());
            return fd;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int dup(int fd, String operation) {
        try {
            int copy = (int) DUP.invokeExact(Native.captureSegment(), fd);
            if (copy < 0) throw BpfException.of(operation, Native.capturedErrno());
            return copy;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code read(2)} into {@code buffer}: the bytes read, 0 at end of file; EINTR is retried. */
    public static int read(int fd, MemorySegment buffer, String operation) {
        try {
            while (true) {
                long n = (long) READ.invokeExact(Native.captureSegment(), fd, buffer, buffer.byteSize());
                if (n >= 0) return (int) n;
                int errno = Native.capturedErrno();
                if (errno != 4 /* EINTR */) throw BpfException.of(operation, errno);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static void setsockoptInt(int fd, int level, int option, int value, String operation) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
            int r = (int) SETSOCKOPT.invokeExact(Native.captureSegment(), fd, level, option, v, 4);
            if (r < 0) throw BpfException.of(operation, Native.capturedErrno());
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** A socket option of 8 bytes (such as {@code SO_NETNS_COOKIE}). */
    public static long getsockoptLong(int fd, int level, int option, String operation) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 8);
            int r = (int) GETSOCKOPT.invokeExact(Native.captureSegment(), fd, level, option, v, len);
            if (r < 0) throw BpfException.of(operation, Native.capturedErrno());
            return v.get(ValueLayout.JAVA_LONG, 0);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static void setns(int fd, int type, String operation) {
        try {
            int r = (int) SETNS.invokeExact(Native.captureSegment(), fd, type);
            if (r < 0) throw BpfException.of(operation, Native.capturedErrno());
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The interface index in the calling thread's network namespace. */
    public static int ifindex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            int index = (int) IF_NAMETOINDEX.invokeExact(Native.captureSegment(), arena.allocateFrom(name));
            if (index == 0) throw new IllegalArgumentException("no network interface '" + name
                    + "' in this thread's network namespace (errno " + Native.capturedErrno() + ")");
            return index;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int perfEventOpen(MemorySegment attr, int pid, int cpu, String operation) {
        try {
            long fd = (long) PERF_EVENT_OPEN.invokeExact(Native.captureSegment(), SYS_PERF_EVENT_OPEN, attr, pid, cpu, -1,
                    PERF_FLAG_FD_CLOEXEC);
            if (fd < 0) throw BpfException.of(operation, Native.capturedErrno());
            return (int) fd;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
