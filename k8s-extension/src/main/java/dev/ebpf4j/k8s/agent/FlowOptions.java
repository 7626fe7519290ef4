package dev.ebpf4j.k8s.agent;

import java.net.InetAddress;

/**
 * The agent's flow endpoint ({@link dev.ebpf4j.k8s.observe.FlowStreamServer}): the agent observes its datapath
 * (Service translations of its socket and NodePort programs, HTTP and DNS on its NodePort devices) and serves the
 * flows for {@code observe --cluster}.
 *
 * @param port    the port, or -1 for none
 * @param address where to listen: loopback unless {@code --flows-address} says otherwise
 */
public record FlowOptions(int port, InetAddress address) {
    /** No flow endpoint. */
    public static final FlowOptions DISABLED = new FlowOptions(-1, InetAddress.getLoopbackAddress());

    /** Checks the port. */
    public FlowOptions {
        if (port < -1 || port > 65535) throw new IllegalArgumentException("--flows-port wants a port 0-65535, got " + port);
        java.util.Objects.requireNonNull(address, "address");
    }

    /** Whether the agent serves flows. */
    public boolean enabled() {
        return port >= 0;
    }
}
