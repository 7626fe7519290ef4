package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.ContainerPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.HostPortServices;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.Service;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pods' {@code hostPort}s with real traffic: an external client reaches {@code nodeIP:hostPort} through the tcx
 * program and lands on the pod's container port; the node reaches it on its own addresses through the
 * socket programs, and so do its pods; a {@code hostIP} binds one node address only; traffic the node forwards to
 * another address on the host port number is not taken; a host port of a pod on another node is left to this node's
 * own stack; a deleted pod's host port closes.
 *
 * <p>Topology: node namespace {@code nd} (the datapath is loaded and attached there) with an external client
 * {@code ex} (10.0.0.2) on {@code ext0} (node 10.0.0.1), a pod {@code po} (10.1.1.1, serving 8080) on {@code vpo}
 * (node 10.1.1.254) and a pod {@code p2} (10.1.2.1) serving the host port number itself. No namespace has a route out.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class HostPortIT {
    private static final InetAddress POD_IP = InetAddress.ofLiteral("10.1.1.1");

    private static Pod web(ContainerPort... ports) {
        return new Pod("default", "web", Map.of(), List.of(POD_IP), "n1", List.of(ports));
    }

    /** A pod on another node declaring host port 9090. */
    private static Pod elsewhere() {
        return new Pod("default", "far", Map.of(), List.of(InetAddress.ofLiteral("10.1.9.1")), "n2",
                List.of(new ContainerPort("http", 8080, L4Protocol.TCP).withHostPort(9090)));
    }

    private static ClusterSnapshot snapshot(long generation, Pod... pods) {
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (Pod p : pods) {
            HostPortServices hp = HostPortServices.of(p);
            services.addAll(hp.services());
            slices.addAll(hp.slices());
        }
        return ClusterSnapshot.of(services, slices, generation);
    }

    @Test
    void hostPortsForwardToTheirPodOnItsNodeOnly() throws Exception {
        try (Topology net = Topology.create("e4jhp"); TestCgroup cgroup = TestCgroup.create("e4j-hostport")) {
            NetNamespace node = net.namespace("nd"), ext = net.namespace("ex"), pod = net.namespace("po");
            NetNamespace other = net.namespace("p2");
            net.veth(ext, "eth0", "10.0.0.2/24", node, "ext0", "10.0.0.1/24");
            net.veth(node, "vpo", "10.1.1.254/24", pod, "eth0", "10.1.1.1/24");
            net.veth(node, "vp2", "10.1.2.254/24", other, "eth0", "10.1.2.1/24");
            node.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            node.ip("link", "set", "lo", "up");
            pod.ip("route", "add", "10.0.0.0/24", "via", "10.1.1.254");
            other.ip("route", "add", "10.0.0.0/24", "via", "10.1.2.254");
            ext.ip("route", "add", "10.1.0.0/16", "via", "10.0.0.1");
            net.verifyIsolated();
            LbConfig config = LbConfig.forNode("n1").withNodeAddresses(node.call(NodeAddresses::ofThisNamespace));
            try (ServerSocket app = pod.call(() -> new ServerSocket(8080, 50, POD_IP));
                 ServerSocket otherApp = other.call(() -> new ServerSocket(8081, 50, InetAddress.ofLiteral("10.1.2.1")));
                 ServerSocket hostProcess = node.call(() -> new ServerSocket(9090, 50, InetAddress.ofLiteral("0.0.0.0")));
                 LoadBalancer lb = node.call(() -> LoadBalancer.load(config))) {
                Thread.ofPlatform().daemon().start(() -> greet(app, "po"));
                Thread.ofPlatform().daemon().start(() -> greet(otherApp, "p2"));
                Thread.ofPlatform().daemon().start(() -> greet(hostProcess, "node"));
                ContainerPort any = new ContainerPort("http", 8080, L4Protocol.TCP).withHostPort(8081);
                ContainerPort onExt = new ContainerPort("alt", 8080, L4Protocol.TCP, 8082, Optional.of(InetAddress.ofLiteral("10.0.0.1")));
                lb.controller().sync(snapshot(1, web(any, onExt), elsewhere()));
                lb.attachCgroup(cgroup.path());
                lb.nodeAddresses(node.call(NodeAddresses::ofThisNamespace));
                node.run(() -> lb.attachNodePort("ext0"));

                assertEquals("po", ext.call(() -> answer("10.0.0.1", 8081)), "external client to nodeIP:hostPort");
                assertEquals("po", ext.call(() -> answer("10.0.0.1", 8082)), "external client to hostIP:hostPort");
                assertEquals("node", ext.call(() -> answer("10.0.0.1", 9090)), "another node's pod's host port is left alone");
                assertEquals("p2", ext.call(() -> answer("10.1.2.1", 8081)), "traffic forwarded to another address on the host port");
                cgroup.runInside(() -> {
                    assertEquals("po", node.call(() -> answer("10.1.1.254", 8081)), "the node's other address, from the node");
                    assertEquals("po", pod.call(() -> answer("10.1.1.254", 8081)), "the node's address, from a pod");
                    assertEquals("refused", node.call(() -> answer("10.1.1.254", 8082)), "hostIP binds that address only");
                    return null;
                });

                lb.controller().sync(snapshot(2, elsewhere()));
                assertEquals("refused", ext.call(() -> answer("10.0.0.1", 8081)), "the deleted pod's host port is closed");
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

    /** Connects and reads the greeting; "refused" when nothing answers there. */
    private static String answer(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            s.setSoTimeout(2000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (java.net.ConnectException e) {
            return "refused";
        } catch (IOException e) {
            return "failed: " + e;
        }
    }
}
