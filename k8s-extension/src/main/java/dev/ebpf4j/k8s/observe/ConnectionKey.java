package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A connection seen from its client: the 4-tuple in request direction.
 *
 * @param client     client address
 * @param clientPort client port
 * @param server     server address
 * @param serverPort server port
 */
public record ConnectionKey(InetAddress client, int clientPort, InetAddress server, int serverPort) {
    public ConnectionKey {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(server, "server");
    }
}
