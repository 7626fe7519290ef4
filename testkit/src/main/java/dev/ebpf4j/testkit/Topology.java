package dev.ebpf4j.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A set of network namespaces joined by veth pairs, with no route out of the set. Build it, call
 * {@link #verifyIsolated()} before any traffic, and close it (in a finally or try-with-resources): closing deletes
 * every namespace it made, and with them the veths, qdiscs, filters and XDP programs on them.
 *
 * {@snippet :
 * try (Topology t = Topology.create("e4j-prog")) {
 *     NetNamespace a = t.namespace("a"), b = t.namespace("b");
 *     t.veth(a, "va", "10.11.0.1/24", b, "vb", "10.11.0.2/24");
 *     t.verifyIsolated();
 *     a.run(() -> { ... send to 10.11.0.2 ... });
 * }
 * }
 */
public final class Topology implements AutoCloseable {
    private final String prefix;
    private final Map<String, NetNamespace> namespaces = new LinkedHashMap<>();
    private final Map<NetNamespace, Set<String>> interfaces = new LinkedHashMap<>();

    private Topology(String prefix) {
        this.prefix = prefix;
    }

    /** A new empty topology; namespace names are {@code prefix-ROLE-XXXX}, so keep the prefix short (≤ 8 characters). */
    public static Topology create(String prefix) {
        return new Topology(prefix);
    }

    /** The namespace for {@code role}, created on first use. */
    public synchronized NetNamespace namespace(String role) {
        NetNamespace ns = namespaces.get(role);
        if (ns == null) {
            ns = NetNamespace.create(prefix + "-" + role);
            namespaces.put(role, ns);
            interfaces.put(ns, new TreeSet<>(Set.of("lo")));
        }
        return ns;
    }

    /**
     * A veth pair between two namespaces of this topology, both ends up, with the given addresses
     * ({@code "10.0.0.1/24"}, an IPv6 {@code "fd00::1/64"}, or null for none). Interface names must be unique in
     * their namespace and at most 15 characters.
     */
    public synchronized void veth(NetNamespace a, String nameA, String addressA, NetNamespace b, String nameB, String addressB) {
        requireOwn(a);
        requireOwn(b);
        // Made in a, the peer moved into b: the pair never exists in the root namespace under a clashing name.
        String tmp = "e4jv" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
        a.ip("link", "add", nameA, "type", "veth", "peer", "name", tmp);
        interfaces.get(a).add(nameA);
        a.ip("link", "set", tmp, "netns", b.name());
        b.ip("link", "set", tmp, "name", nameB);
        interfaces.get(b).add(nameB);
        configure(a, nameA, addressA);
        configure(b, nameB, addressB);
    }

    /**
     * A bridge in {@code ns}, up, with no address: veth ends made with {@link #veth} join it as ports through
     * {@link #addPort}. The name must be unique in the namespace and at most 15 characters.
     */
    public synchronized void bridge(NetNamespace ns, String name) {
        requireOwn(ns);
        ns.ip("link", "add", name, "type", "bridge");
        interfaces.get(ns).add(name);
        ns.ip("link", "set", name, "up");
    }

    /** Makes interface {@code port} of {@code ns} a port of its bridge {@code bridge}. */
    public synchronized void addPort(NetNamespace ns, String bridge, String port) {
        requireOwn(ns);
        if (!interfaces.get(ns).contains(bridge) || !interfaces.get(ns).contains(port)) {
            throw new IllegalArgumentException(bridge + " and " + port + " must both be interfaces made here in " + ns);
        }
        ns.ip("link", "set", port, "master", bridge);
    }

    private static void configure(NetNamespace ns, String ifname, String address) {
        if (address != null) {
            ns.ip(address.contains(":") ? "-6" : "-4", "addr", "add", address, "dev", ifname, "nodad");
        }
        ns.ip("link", "set", ifname, "up");
    }

    /**
     * Waits until no namespace of this topology has a tentative IPv6 address. {@link #veth} adds its addresses without
     * duplicate address detection, but the kernel still runs it on the link-local address of every new link, and
     * until it ends neighbour discovery on that link goes unanswered: the first packets across it are lost.
     *
     * @throws IllegalStateException if an address is still tentative after 5 s
     */
    public synchronized void awaitIpv6Ready() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (NetNamespace ns : namespaces.values()) {
            String tentative;
            while (!(tentative = ns.ip("-6", "addr", "show", "tentative")).isBlank()) {
                if (System.nanoTime() > deadline) throw new IllegalStateException(ns + " still has tentative addresses: " + tentative);
                Thread.sleep(20);
            }
        }
    }

    /**
     * Checks that no namespace of this topology can send anywhere outside it: no default route (IPv4 and IPv6), and
     * no interface other than loopback and the veths made here. Throws {@link IllegalStateException} naming the offender.
     */
    public synchronized void verifyIsolated() {
        for (NetNamespace ns : namespaces.values()) {
            for (String family : List.of("-4", "-6")) {
                String routes = ns.ip(family, "route", "show", "table", "all", "default").trim();
                if (!routes.isEmpty()) throw new IllegalStateException(ns + " has a default route: " + routes);
            }
            for (String line : ns.ip("-o", "link", "show").split("\n")) {
                if (line.isBlank()) continue;
                String ifname = line.split(":")[1].trim().split("@")[0];
                if (!interfaces.get(ns).contains(ifname)) {
                    throw new IllegalStateException(ns + " has interface " + ifname + " that this topology did not make");
                }
            }
        }
    }

    /** The namespaces made so far, by role. */
    public synchronized Map<String, NetNamespace> namespaces() {
        return Map.copyOf(namespaces);
    }

    private void requireOwn(NetNamespace ns) {
        if (!namespaces.containsValue(ns)) throw new IllegalArgumentException(ns + " is not part of this topology");
    }

    /** Deletes every namespace (continuing past failures, which are reported together). */
    @Override
    public synchronized void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (NetNamespace ns : namespaces.values()) {
            try {
                ns.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        namespaces.clear();
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("topology cleanup failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** Names of network namespaces under {@code /run/netns} that start with {@code prefix}: what a leak check looks for. */
    public static List<String> leftoverNamespaces(String prefix) {
        java.io.File[] files = new java.io.File("/run/netns").listFiles();
        List<String> left = new ArrayList<>();
        if (files != null) for (java.io.File f : files) if (f.getName().startsWith(prefix)) left.add(f.getName());
        return left;
    }
}
