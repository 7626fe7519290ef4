package dev.ebpf4j.kernelmatrix.guest;

import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The NodePort guest tests' network: an external namespace {@code ext} (eth0: 10.0.0.2 or fd00::2) on the node's
 * {@code ext0} (10.0.0.1 or fd00::1), and two backend namespaces {@code b1}, {@code b2} behind the node (10.1.i.1 or
 * fd01:i::1, routed back to the external subnet through the node), forwarding on, isolated, IPv6 addresses past DAD.
 *
 * @param frontendAddress the node's address on {@code ext0}
 * @param backendAddresses b1's and b2's addresses, in that order
 */
record NodeWithBackends(NetNamespace ext, NetNamespace node, List<NetNamespace> backends, InetAddress frontendAddress,
                        List<InetAddress> backendAddresses) {

    static NodeWithBackends create(Topology topo, boolean v6) throws InterruptedException {
        NetNamespace ext = topo.namespace("ext");
        NetNamespace node = topo.namespace("node");
        if (v6) topo.veth(ext, "eth0", "fd00::2/64", node, "ext0", "fd00::1/64");
        else topo.veth(ext, "eth0", "10.0.0.2/24", node, "ext0", "10.0.0.1/24");
        List<NetNamespace> backends = new ArrayList<>();
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            NetNamespace b = topo.namespace("b" + i);
            if (v6) {
                topo.veth(node, "vb" + i, "fd01:" + i + "::fe/64", b, "eth0", "fd01:" + i + "::1/64");
                b.ip("-6", "route", "add", "fd00::/64", "via", "fd01:" + i + "::fe");
            } else {
                topo.veth(node, "vb" + i, "10.1." + i + ".254/24", b, "eth0", "10.1." + i + ".1/24");
                b.ip("route", "add", "10.0.0.0/24", "via", "10.1." + i + ".254");
            }
            backends.add(b);
            addresses.add(InetAddress.ofLiteral(v6 ? "fd01:" + i + "::1" : "10.1." + i + ".1"));
        }
        node.exec("sysctl", "-qw", v6 ? "net.ipv6.conf.all.forwarding=1" : "net.ipv4.ip_forward=1");
        topo.verifyIsolated();
        if (v6) topo.awaitIpv6Ready();
        return new NodeWithBackends(ext, node, List.copyOf(backends), InetAddress.ofLiteral(v6 ? "fd00::1" : "10.0.0.1"),
                List.copyOf(addresses));
    }
}
