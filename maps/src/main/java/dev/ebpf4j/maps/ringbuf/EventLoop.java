package dev.ebpf4j.maps.ringbuf;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.maps.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An epoll set over several fds plus an eventfd that {@link #wakeUp()} signals, so another thread can interrupt a
 * blocked wait. {@code struct epoll_event} is packed on x86-64: a 4-byte mask then the 8-byte data (12 bytes).
 */
final class EventLoop implements AutoCloseable {
    private static final int EVENT_SIZE = 12, MAX_EVENTS = 64;
    private static final long WAKE = -1;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events = arena.allocate((long) EVENT_SIZE * MAX_EVENTS, 8);
    private final MemorySegment one = arena.allocate(8, 8);
    private final int epfd, eventfd;

    EventLoop() {
        epfd = check("epoll_create1", call(() -> (int) Libc.EPOLL_CREATE1.invokeExact(Native.captureSegment(), 02000000)));
        int efd;
        try {
            efd = check("eventfd", call(() -> (int) Libc.EVENTFD.invokeExact(Native.captureSegment(), 0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK)));
        } catch (RuntimeException e) {
            Libc.close(epfd);
            throw e;
        }
        eventfd = efd;
        add(eventfd, WAKE);
    }

    /** Watches {@code fd} for readability; {@code data} comes back from {@link #await}. */
    void add(int fd, long data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ev = a.allocate(EVENT_SIZE, 8);
            ev.set(ValueLayout.JAVA_INT_UNALIGNED, 0, Libc.EPOLLIN);
            ev.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, data);
            check("epoll_ctl add", call(() -> (int) Libc.EPOLL_CTL.invokeExact(Native.captureSegment(), epfd, Libc.EPOLL_CTL_ADD, fd, ev)));
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: forever) for readiness; returns the number of ready fds, excluding a
     * wake-up, or 0 on timeout or interruption (EINTR).
     */
    int await(int timeoutMillis) {
        int n = call(() -> (int) Libc.EPOLL_WAIT.invokeExact(Native.captureSegment(), epfd, events, MAX_EVENTS, timeoutMillis));
        if (n < 0) {
            if (Native.capturedErrno() == Errno.EINTR) return 0;
            throw BpfException.of("epoll_wait", Native.capturedErrno());
        }
        int ready = 0;
        for (int i = 0; i < n; i++) {
            if (events.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * EVENT_SIZE + 4) == WAKE) drainWake();
            else ready++;
        }
        return ready;
    }

    /** Makes a blocked or future {@link #await} return. Safe from any thread. */
    void wakeUp() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocateFrom(ValueLayout.JAVA_LONG, 1);
            long ignored = (long) Libc.WRITE.invokeExact(Native.captureSegment(), eventfd, v, 8L);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private void drainWake() {
        try {
            long ignored = (long) Libc.READ.invokeExact(Native.captureSegment(), eventfd, one, 8L);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    @Override
    public void close() {
        Libc.close(eventfd);
        Libc.close(epfd);
        arena.close();
    }

    private interface IntCall {
        int run() throws Throwable;
    }

    private static int call(IntCall c) {
        try {
            return c.run();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static int check(String op, int r) {
        if (r < 0) throw BpfException.of(op, Native.capturedErrno());
        return r;
    }
}
