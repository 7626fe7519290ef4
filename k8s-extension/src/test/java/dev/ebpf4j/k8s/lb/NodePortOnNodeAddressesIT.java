package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.model.ServiceType;
import dev.ebpf4j.k8s.model.SessionAffinity;
import dev.ebpf4j.k8s.model.TargetPort;
import dev.ebpf4j.k8s.model.TrafficPolicy;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCgroup;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A NodePort on the node's own addresses, through the socket programs (Cilium's host-reachable NodePorts): the node
 * connects to 127.0.0.1:NodePort and to its own address, a pod connects to the node's address, and each reaches the
 * backend with no packet to the NodePort at all; a pod's 127.0.0.1 stays the pod's own. From outside, once the
 * addresses are set, the tcx program serves node ports on them only.
 *
 * <p>Topology: node namespace {@code nd} (the datapath is loaded there, so it is the node's) with a backend pod
 * {@code be} (10.1.1.1:8080) and a client pod {@code po} (10.1.2.1) behind veths; the node forwards between them.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class NodePortOnNodeAddressesIT {
    private static final String NODE_IP = "10.1.2.254";

    private static Service nodePort() {
        return new Service(new ServiceName("default", "web"), ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral("10.96.0.10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080)), List.of(), List.of(),
                SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
    }

    @Test
    void loopbackAndNodeAddressesReachTheNodePortFromTheNodeAndNodeAddressesFromPods() throws Exception {
        try (Topology net = Topology.create("e4jna"); TestCgroup cgroup = TestCgroup.create("e4j-nodeaddr")) {
            NetNamespace node = net.namespace("nd"), backend = net.namespace("be"), pod = net.namespace("po");
            net.veth(node, "vbe", "10.1.1.254/24", backend, "eth0", "10.1.1.1/24");
            net.veth(node, "vpo", NODE_IP + "/24", pod, "eth0", "10.1.2.1/24");
            node.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            node.ip("link", "set", "lo", "up");
            pod.ip("link", "set", "lo", "up");
            backend.ip("route", "add", "10.1.2.0/24", "via", "10.1.1.254");
            pod.ip("route", "add", "10.1.1.0/24", "via", "10.1.2.254");
            net.verifyIsolated();
            try (ServerSocket server = backend.call(() -> new ServerSocket(8080, 50, InetAddress.ofLiteral("10.1.1.1")));
                 LoadBalancer lb = node.call(() -> LoadBalancer.load(LbConfig.forNode("n1")))) {
                Thread.ofPlatform().daemon().start(() -> greet(server, "be"));
                lb.controller().sync(ClusterSnapshot.of(List.of(nodePort()), List.of(new EndpointSlice("default", "web-1",
                        new ServiceName("default", "web"), AddressType.IPV4, List.of(Endpoint.ready(InetAddress.ofLiteral("10.1.1.1"), "n1")),
                        List.of(new EndpointPort("http", Protocol.TCP, 8080)))), 1));
                lb.attachCgroup(cgroup.path());
                lb.nodeAddresses(node.call(NodeAddresses::ofThisNamespace));

                cgroup.runInside(() -> {
                    assertEquals("be", node.call(() -> answer("127.0.0.1")), "loopback NodePort on the node");
                    assertEquals("be", node.call(() -> answer("127.0.0.2")), "all of 127.0.0.0/8");
                    assertEquals("be", node.call(() -> answer(NODE_IP)), "the node's own address, from the node");
                    assertEquals("be", pod.call(() -> answer(NODE_IP)), "the node's address, from a pod");
                    assertEquals("refused", pod.call(() -> answer("127.0.0.1")), "a pod's loopback is the pod's");
                    assertEquals("refused", node.call(() -> answer("10.1.2.1")), "another host's address is not the node's");
                    return null;
                });
            }
        }
    }

    /**
     * From outside, through the tcx program: once the node's addresses are set, a node port is served on them only, so
     * traffic the node forwards to a pod that itself listens on a port of the NodePort range reaches that pod. Before
     * they are set (a datapath whose user never gave them), a node port matches any destination, as it did.
     *
     * <p>Topology: node {@code nd} with an external client {@code ex} (10.0.0.2) on {@code ext0} (node 10.0.0.1), the
     * backend {@code be} (10.1.1.1:8080) and a pod {@code p2} (10.1.2.1) serving 30080, the node port, itself.
     */
    @Test
    void fromOutsideANodePortIsServedOnTheNodesAddressesOnlyOnceTheyAreSet() throws Exception {
        try (Topology net = Topology.create("e4jnd")) {
            NetNamespace node = net.namespace("nd"), ext = net.namespace("ex"), backend = net.namespace("be");
            NetNamespace other = net.namespace("p2");
            net.veth(ext, "eth0", "10.0.0.2/24", node, "ext0", "10.0.0.1/24");
            net.veth(node, "vbe", "10.1.1.254/24", backend, "eth0", "10.1.1.1/24");
            net.veth(node, "vp2", "10.1.2.254/24", other, "eth0", "10.1.2.1/24");
            node.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            backend.ip("route", "add", "10.0.0.0/24", "via", "10.1.1.254");
            other.ip("route", "add", "10.0.0.0/24", "via", "10.1.2.254");
            ext.ip("route", "add", "10.1.0.0/16", "via", "10.0.0.1");
            net.verifyIsolated();
            try (ServerSocket server = backend.call(() -> new ServerSocket(8080, 50, InetAddress.ofLiteral("10.1.1.1")));
                 ServerSocket pod = other.call(() -> new ServerSocket(30080, 50, InetAddress.ofLiteral("10.1.2.1")));
                 LoadBalancer lb = node.call(() -> LoadBalancer.load(LbConfig.forNode("n1")))) {
                Thread.ofPlatform().daemon().start(() -> greet(server, "be"));
                Thread.ofPlatform().daemon().start(() -> greet(pod, "p2"));
                lb.controller().sync(ClusterSnapshot.of(List.of(nodePort()), List.of(new EndpointSlice("default", "web-1",
                        new ServiceName("default", "web"), AddressType.IPV4, List.of(Endpoint.ready(InetAddress.ofLiteral("10.1.1.1"), "n1")),
                        List.of(new EndpointPort("http", Protocol.TCP, 8080)))), 1));
                node.run(() -> lb.attachNodePort("ext0"));

                assertEquals("be", ext.call(() -> answer("10.0.0.1")), "the node port, addresses not set");
                assertEquals("be", ext.call(() -> answer("10.1.2.1")), "addresses not set: a node port matches any destination");

                lb.nodeAddresses(node.call(NodeAddresses::ofThisNamespace));
                assertEquals("be", ext.call(() -> answer("10.0.0.1")), "the node port on the node's address");
                assertEquals("p2", ext.call(() -> answer("10.1.2.1")), "traffic forwarded to a pod on the node-port number");

                lb.nodeAddresses(List.of(InetAddress.ofLiteral("10.1.1.254")));
                assertEquals("refused", ext.call(() -> answer("10.0.0.1")), "10.0.0.1 is no longer a node address");
                assertEquals("p2", ext.call(() -> answer("10.1.2.1")), "the pod, still");
            }
        }
    }

    private static void greet(ServerSocket server, String name) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Connects to address:30080 and reads the greeting; "refused" when nothing answers there. */
    private static String answer(String address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, 30080), 2000);
            s.setSoTimeout(2000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (java.net.ConnectException e) {
            return "refused";
        } catch (IOException e) {
            return "failed: " + e;
        }
    }
}
