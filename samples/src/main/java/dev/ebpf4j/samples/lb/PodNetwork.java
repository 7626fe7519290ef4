package dev.ebpf4j.samples.lb;

import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

/**
 * The demo's pods: a "node" namespace that routes, a client pod at 10.244.0.2 and backend pods at 10.244.N.2, each
 * on its own veth to the node. Pods route only 10.244.0.0/16 through the node: there is no default route anywhere,
 * so a packet still addressed to the VIP (10.96.0.0/12) would fail with "network unreachable".
 */
record PodNetwork(NetNamespace node, NetNamespace client, NetNamespace[] backends) {

    static PodNetwork build(Topology topology, int backendCount) {
        NetNamespace node = topology.namespace("node");
        NetNamespace client = topology.namespace("cli");
        topology.veth(client, "eth0", "10.244.0.2/24", node, "cli0", "10.244.0.1/24");
        client.ip("route", "add", "10.244.0.0/16", "via", "10.244.0.1");
        NetNamespace[] backends = new NetNamespace[backendCount];
        for (int i = 1; i <= backendCount; i++) {
            NetNamespace b = topology.namespace("b" + i);
            topology.veth(b, "eth0", "10.244." + i + ".2/24", node, "be" + i, "10.244." + i + ".1/24");
            b.ip("route", "add", "10.244.0.0/16", "via", "10.244." + i + ".1");
            backends[i - 1] = b;
        }
        node.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        topology.verifyIsolated();
        return new PodNetwork(node, client, backends);
    }

    NetNamespace backend(int i) {
        return backends[i - 1];
    }

    String backendIp(int i) {
        return "10.244." + i + ".2";
    }
}
