package dev.ebpf4j.k8s.internal;

import java.util.List;

/**
 * Network interfaces of the calling thread's network namespace, as the CLI and the policy enforcer name them; a view
 * of the SDK's {@link dev.ebpf4j.programs.net.Interfaces}.
 */
public final class Interfaces {
    /** An interface: index and name. */
    public record Interface(int index, String name) {}

    private Interfaces() {}

    /** The interface name, or {@code if<index>} when no such interface exists in this namespace. */
    public static String name(int ifindex) {
        return dev.ebpf4j.programs.net.Interfaces.name(ifindex);
    }

    /** Every interface of this namespace, by index. */
    public static List<Interface> all() {
        return dev.ebpf4j.programs.net.Interfaces.all().stream().map(i -> new Interface(i.index(), i.name())).toList();
    }

    /** The interface index of {@code name}, or 0 when no such interface exists in this namespace. */
    public static int index(String name) {
        return dev.ebpf4j.programs.net.Interfaces.index(name);
    }
}
