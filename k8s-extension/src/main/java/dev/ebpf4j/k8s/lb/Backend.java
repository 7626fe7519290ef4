package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.Protocol;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An entry of the backend map. A backend is identified by (address, port, protocol) and keeps its id for as long as
 * any Service uses it, so flows and affinity entries that hold the id stay valid across Service updates.
 *
 * @param id       the stable backend id (never 0; 0 means "no backend" in the datapath)
 * @param address  the endpoint address
 * @param port     the endpoint port
 * @param protocol TCP, UDP or SCTP
 * @param state    active or terminating
 */
public record Backend(int id, InetAddress address, int port, Protocol protocol, BackendState state) {
    /** Validates id and port. */
    public Backend {
        if (id <= 0) throw new IllegalArgumentException("backend id must be positive: " + id);
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(state, "state");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("backend port out of range: " + port);
    }

    /** The identity the id is allocated for. */
    public Key key() {
        return new Key(address, port, protocol);
    }

    /**
     * What identifies a backend independently of its id.
     *
     * @param address  endpoint address
     * @param port     endpoint port
     * @param protocol L4 protocol
     */
    public record Key(InetAddress address, int port, Protocol protocol) {
        @Override
        public String toString() {
            return address.getHostAddress() + ":" + port + "/" + protocol;
        }
    }
}
