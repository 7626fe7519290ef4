package dev.ebpf4j.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A named network namespace ({@code ip netns add}) that a test creates and always deletes. Code runs inside it on a
 * dedicated thread that entered it with {@code setns}, so sockets, interface indexes and netlink calls made there
 * belong to the namespace; commands run through {@code ip -n} / {@code nsenter --net}, which, unlike
 * {@code ip netns exec}, keep bpffs visible.
 *
 * {@snippet :
 * try (NetNamespace ns = NetNamespace.create("e4j-prog-xdp")) {
 *     ns.ip("link", "set", "lo", "up");
 *     int index = ns.call(() -> NetworkInterface.getByName("lo").getIndex());
 * }
 * }
 */
public final class NetNamespace implements AutoCloseable {
    private final String name;
    private boolean closed;

    private NetNamespace(String name) {
        this.name = name;
    }

    /** Creates {@code prefix-XXXX} (random suffix), with its loopback up. Names are at most 15 characters long. */
    public static NetNamespace create(String prefix) {
        String name = prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        Shell.run("ip", "netns", "add", name);
        NetNamespace ns = new NetNamespace(name);
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The namespace name. */
    public String name() {
        return name;
    }

    /** The namespace file, {@code /run/netns/NAME}. */
    public Path path() {
        return Path.of("/run/netns", name);
    }

    /** Runs {@code ip -n NAME args...}. */
    public String ip(String... args) {
        return Shell.run(prefixed(List.of("ip", "-n", name), args));
    }

    /** Runs {@code tc -n NAME args...}. */
    public String tc(String... args) {
        return Shell.run(prefixed(List.of("tc", "-n", name), args));
    }

    /** Runs a command inside the namespace through {@code nsenter --net=PATH}. */
    public Shell.Result exec(String... argv) {
        return Shell.exec(prefixed(List.of("nsenter", "--net=" + path()), argv));
    }

    /** Runs {@code task} on a new thread inside the namespace and returns its result (exceptions are rethrown). */
    public <T> T call(Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(() -> {
            Setns.enter(path().toString(), Setns.CLONE_NEWNET);
            return task.call();
        });
        Thread.ofPlatform().name("netns-" + name).start(future);
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException("task in " + name + " failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Runs {@code task} inside the namespace. */
    public void run(ThrowingRunnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    /** A task that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * Checks, before a test sends traffic from this namespace on its own (outside a {@link Topology}), that it can
     * reach nothing outside itself: no default route (IPv4 or IPv6, any table) and no interface but loopback.
     *
     * @throws IllegalStateException naming the route or interface that could lead out
     */
    public void verifyNoRouteOut() {
        for (String family : List.of("-4", "-6")) {
            String routes = ip(family, "route", "show", "table", "all", "default").trim();
            if (!routes.isEmpty()) throw new IllegalStateException(this + " has a default route: " + routes);
        }
        for (String line : ip("-o", "link", "show").split("\n")) {
            if (line.isBlank()) continue;
            String ifname = line.split(":")[1].trim().split("@")[0];
            if (!ifname.equals("lo")) throw new IllegalStateException(this + " has interface " + ifname + " besides loopback");
        }
    }

    /** Whether a namespace of this name still exists. */
    public boolean exists() {
        return Files.exists(path());
    }

    /** Deletes the namespace (and the interfaces in it); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (exists()) Shell.run("ip", "netns", "del", name);
    }

    private static String[] prefixed(List<String> head, String... args) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
