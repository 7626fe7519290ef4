package dev.ebpf4j.programs.internal;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The network namespace a netlink attachment was made in. Interface indexes and netlink sockets belong to the
 * calling thread's namespace, so a detach from another thread (a test's main thread, a cleaner) must run in
 * the namespace of the attach: this keeps an fd of that namespace and runs the detach on a short-lived thread
 * that entered it.
 */
public final class NetnsHome implements AutoCloseable {
    private final int fd;

    private NetnsHome(int fd) {
        this.fd = fd;
    }

    /** The calling thread's network namespace. */
    public static NetnsHome current() {
        return new NetnsHome(Libc.open("/proc/thread-self/ns/net", "open network namespace"));
    }

    /** Runs {@code action} on a thread inside this namespace and waits for it. */
    public void run(Runnable action) {
        // Already there: run here. Entering a namespace needs CAP_SYS_ADMIN, which a detach in the attaching
        // namespace must not (PrivilegeIT in stress-tests: without it the netlink detach failed and left XDP attached).
        if (isCurrent()) {
            action.run();
            return;
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("ebpf4j-netns").unstarted(() -> {
            try {
                Libc.setns(fd, Libc.CLONE_NEWNET, "setns");
                action.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while detaching in a network namespace", e);
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
        if (e != null) throw new IllegalStateException(e);
    }

    /** Whether the calling thread is in this namespace (same nsfs inode, as {@code readlink} shows it). */
    private boolean isCurrent() {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self/ns/net"))
                    .equals(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)));
        } catch (java.io.IOException e) {
            return false; // cannot tell: enter the namespace as before
        }
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
