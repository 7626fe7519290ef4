package dev.ebpf4j.maps.internal;

import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_LONG;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/** The libc calls maps need: mmap for MMAPABLE arrays and buffers, epoll and eventfd for readers, perf_event_open. */
public final class Libc {
    private Libc() {}

    public static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;
    public static final int EPOLL_CTL_ADD = 1, EPOLLIN = 1, EFD_CLOEXEC = 02000000, EFD_NONBLOCK = 04000;
    public static final long SYS_PERF_EVENT_OPEN = 298;

    /** {@code void *mmap(void*, size_t, int, int, int, off_t)}, errno captured. */
    public static final MethodHandle MMAP = Native.libcErrno("mmap",
            FunctionDescriptor.of(C_POINTER, C_POINTER, C_LONG, C_INT, C_INT, C_INT, C_LONG));
    public static final MethodHandle MUNMAP = Native.libc("munmap", FunctionDescriptor.of(C_INT, C_POINTER, C_LONG));
    public static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(C_INT, C_INT));
    public static final MethodHandle EPOLL_CREATE1 = Native.libcErrno("epoll_create1", FunctionDescriptor.of(C_INT, C_INT));
    public static final MethodHandle EPOLL_CTL = Native.libcErrno("epoll_ctl",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER));
    public static final MethodHandle EPOLL_WAIT = Native.libcErrno("epoll_wait",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_INT));
    public static final MethodHandle EVENTFD = Native.libcErrno("eventfd", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    public static final MethodHandle WRITE = Native.libcErrno("write", FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG));
    public static final MethodHandle READ = Native.libcErrno("read", FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG));
    public static final MethodHandle IOCTL = Native.libcErrno("ioctl", FunctionDescriptor.of(C_INT, C_INT, C_LONG, C_LONG),
            java.lang.foreign.Linker.Option.firstVariadicArg(2));
    public static final MethodHandle SYSCALL5 = Native.libcErrno("syscall",
            FunctionDescriptor.of(C_LONG, C_LONG, C_POINTER, C_INT, C_INT, C_INT, C_LONG),
            java.lang.foreign.Linker.Option.firstVariadicArg(1));

    /** Closes an fd we own, ignoring the result (there is nothing to do about a failed close). */
    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
