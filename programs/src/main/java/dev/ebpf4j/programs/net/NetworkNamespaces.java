package dev.ebpf4j.programs.net;

import dev.ebpf4j.programs.internal.Libc;
import dev.ebpf4j.programs.internal.SocketFds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Network namespaces for threads: {@link #enter} moves the calling thread (interface indexes and routes follow
 * it), {@link #call} runs a task on a new platform thread that entered the namespace, so the caller and the JVM's
 * other threads stay where they are. Needs CAP_SYS_ADMIN.
 */
public final class NetworkNamespaces {
    private NetworkNamespaces() {}

    /**
     * Enters the namespace of the file at {@code path} (say {@code /run/netns/NAME} or {@code /proc/PID/ns/net}) on the
     * calling thread only.
     */
    public static void enter(Path path) {
        int fd = Libc.open(path.toString(), "open network namespace " + path);
        try {
            Libc.setns(fd, Libc.CLONE_NEWNET, "setns into " + path);
        } finally {
            Libc.close(fd);
        }
    }

    /**
     * The calling thread's network namespace's cookie: the number {@code bpf_get_netns_cookie()} returns in programs
     * for sockets of this namespace (read with {@code SO_NETNS_COOKIE}, Linux 5.14+), so a program can tell this
     * namespace's sockets from those of others (pods).
     *
     * @throws dev.ebpf4j.core.BpfException when the kernel lacks {@code SO_NETNS_COOKIE} (ENOPROTOOPT before 5.14)
     */
    public static long cookie() {
        try (java.nio.channels.DatagramChannel socket = java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
            socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("0.0.0.0"), 0)); // found by its port
            return Libc.getsockoptLong(SocketFds.find(socket), Libc.SOL_SOCKET, Libc.SO_NETNS_COOKIE,
                    "getsockopt SO_NETNS_COOKIE (needs Linux 5.14+)");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot open a socket to read the network namespace cookie", e);
        }
    }

    /**
     * Runs {@code task} in the namespace {@code name} ({@code /run/netns/NAME}, as {@code ip netns} names them) or at
     * the path {@code name} (e.g. {@code /proc/PID/ns/net}); returns its result or rethrows its exception.
     */
    public static <T> T call(String name, Supplier<T> task) {
        Path file = name.contains("/") ? Path.of(name) : Path.of("/run/netns", name);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no network namespace '" + name + "' (" + file + " does not exist; see ip netns list)");
        }
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("ebpf4j-netns-" + file.getFileName()).start(() -> {
            try {
                enter(file);
                result.set(task.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a task in network namespace " + name, e);
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
        if (e != null) throw new IllegalStateException(e);
        return result.get();
    }
}
