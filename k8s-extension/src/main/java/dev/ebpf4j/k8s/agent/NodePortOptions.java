package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.lb.NodePortAcceleration;
import dev.ebpf4j.k8s.lb.NodePortMode;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The agent's NodePort settings: the devices whose tcx hooks serve NodePorts, external IPs and load-balancer IPs,
 * this node's address, and how remote backends are reached.
 *
 * @param devices the interfaces (empty: NodePort service off)
 * @param nodeIp  the SNAT address; empty means the first device's first IPv4 address, read at start
 * @param mode    SNAT or DSR for backends on other nodes
 * @param acceleration whether the devices also get the XDP program in front of tcx
 */
public record NodePortOptions(List<String> devices, Optional<Inet4Address> nodeIp, NodePortMode mode,
                              NodePortAcceleration acceleration) {
    /** No devices: only ClusterIPs are served. */
    public static final NodePortOptions DISABLED = new NodePortOptions(List.of(), Optional.empty(), NodePortMode.SNAT);

    /** Without acceleration. */
    public NodePortOptions(List<String> devices, Optional<Inet4Address> nodeIp, NodePortMode mode) {
        this(devices, nodeIp, mode, NodePortAcceleration.NONE);
    }

    /** Checks the device names. */
    public NodePortOptions {
        devices = List.copyOf(devices);
        java.util.Objects.requireNonNull(acceleration, "acceleration");
        for (String d : devices) {
            if (d.isEmpty() || d.length() > 15 || d.contains("/") || d.isBlank()) {
                throw new IllegalArgumentException("--devices wants interface names of 1-15 characters, got '" + d + "'");
            }
        }
    }

    /** Whether any device is configured. */
    public boolean enabled() {
        return !devices.isEmpty();
    }

    NodePortOptions withDevices(List<String> d) {
        return new NodePortOptions(d, nodeIp, mode, acceleration);
    }

    NodePortOptions withNodeIp(Inet4Address ip) {
        return new NodePortOptions(devices, Optional.of(ip), mode, acceleration);
    }

    NodePortOptions withMode(NodePortMode m) {
        return new NodePortOptions(devices, nodeIp, m, acceleration);
    }

    NodePortOptions withAcceleration(NodePortAcceleration a) {
        return new NodePortOptions(devices, nodeIp, mode, a);
    }

    /**
     * The SNAT address: {@link #nodeIp()} or the first IPv4 address of the first device, in the calling thread's
     * network namespace.
     *
     * @throws IllegalStateException when neither exists
     */
    Inet4Address resolveNodeIp() {
        if (nodeIp.isPresent()) return nodeIp.get();
        String device = devices.getFirst();
        try {
            NetworkInterface nif = NetworkInterface.getByName(device);
            if (nif == null) throw new IllegalStateException("NodePort device " + device + " does not exist in this network namespace");
            return nif.inetAddresses().filter(a -> a instanceof Inet4Address).map(a -> (Inet4Address) a).findFirst()
                    .orElseThrow(() -> new IllegalStateException("NodePort device " + device
                            + " has no IPv4 address: give the SNAT address with --node-ip"));
        } catch (SocketException e) {
            throw new IllegalStateException("cannot read the addresses of " + device + ": " + e.getMessage(), e);
        }
    }

    static Inet4Address ipv4(String flag, String value) {
        try {
            if (InetAddress.ofLiteral(value) instanceof Inet4Address a) return a;
        } catch (IllegalArgumentException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(flag + " wants an IPv4 address, got " + value);
    }

    static NodePortMode mode(String value) {
        try {
            return NodePortMode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--nodeport-mode wants snat or dsr, got " + value);
        }
    }

    /** {@code none}, {@code xdp} (native, generic where the driver refuses) or {@code xdp-generic}. */
    static NodePortAcceleration acceleration(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> NodePortAcceleration.NONE;
            case "xdp" -> NodePortAcceleration.XDP_NATIVE;
            case "xdp-generic" -> NodePortAcceleration.XDP_GENERIC;
            default -> throw new IllegalArgumentException("--nodeport-acceleration wants none, xdp or xdp-generic, got " + value);
        };
    }
}
