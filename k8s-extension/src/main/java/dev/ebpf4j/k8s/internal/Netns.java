package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.programs.net.NetworkNamespaces;

import java.nio.file.Path;
import java.util.function.Supplier;

/** Network namespaces for threads; the extension's name for the SDK's {@link NetworkNamespaces}. */
public final class Netns {
    private Netns() {}

    /** See {@link NetworkNamespaces#enter(Path)}. */
    public static void enter(Path path) {
        NetworkNamespaces.enter(path);
    }

    /** See {@link NetworkNamespaces#call(String, Supplier)}. */
    public static <T> T call(String name, Supplier<T> task) {
        return NetworkNamespaces.call(name, task);
    }
}
