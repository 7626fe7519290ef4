package dev.ebpf4j.kernelmatrix.guest;

import dev.ebpf4j.core.features.KernelVersion;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.k8s.lb.KernelLbDatapath;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.k8s.lb.NodePortAcceleration;
import dev.ebpf4j.k8s.lb.NodePortXdp;
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
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NodePort with real traffic in the guest kernel, over IPv4 and IPv6: an external namespace connects to the node namespace's address on
 * the node port; the TC programs on the node's external interface DNAT to backends in two backend namespaces and
 * restore the node address on replies. They attach as tcx links where the kernel has tcx (6.6+), else as cls_bpf
 * filters on a clsact qdisc: the test checks which path the kernel got and that the other left no trace.
 */
@Tag("guest")
@ExtendWith(FdLeakCheck.class)
class NodePortGuestIT {
    private static final ServiceName WEB = new ServiceName("default", "web");

    @Test
    void externalClientReachesTheBackendsThroughTheNodePort() throws Exception {
        reachBackends(NodePortAcceleration.NONE, false);
    }

    /** The same with the XDP program in front (native on the veth): it must load, attach and do the translations. */
    @Test
    void externalClientReachesTheBackendsThroughXdpAcceleration() throws Exception {
        reachBackends(NodePortAcceleration.XDP_NATIVE, false);
    }

    /** The same over IPv6 (lb_nodeport6.h): a node port under "::", IPv6 backends, tc only (XDP parses IPv4). */
    @Test
    void externalClientReachesIpv6BackendsThroughTheNodePort() throws Exception {
        reachBackends(NodePortAcceleration.NONE, true);
    }

    /*
     * The object without its socket programs (SocketLbGuestIT covers them), so that the NodePort programs are what
     * this checks on every kernel; attached as LoadBalancer.attachNodePort does.
     */
    private void reachBackends(NodePortAcceleration acceleration, boolean v6) throws Exception {
        String nodeIp = v6 ? "fd00::1" : "10.0.0.1";
        List<ServerSocket> servers = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        LbConfig config = LbConfig.forNode("n1").withNodePortAcceleration(acceleration);
        BpfObject object;
        try (BpfObjectSpec spec = LbObject.open()) {
            LbObject.configure(spec, config);
            LbObject.SOCKET_PROGRAMS.forEach(p -> spec.autoload(p, false));
            object = spec.load();
        }
        try (Topology topo = Topology.create("e4jgnp"); BpfObject obj = object;
             KernelLbDatapath datapath = KernelLbDatapath.of(obj)) {
            LbController controller = new LbController(config, datapath);
            NodeWithBackends net = NodeWithBackends.create(topo, v6);
            NetNamespace ext = net.ext(), node = net.node();
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String name = "b" + (i + 1);
                InetAddress address = net.backendAddresses().get(i);
                ServerSocket ss = net.backends().get(i).call(() -> new ServerSocket(8080, 50, address));
                servers.add(ss);
                Thread.ofPlatform().daemon().start(() -> serve(ss, name));
                endpoints.add(Endpoint.ready(address, "n1"));
            }
            controller.sync(ClusterSnapshot.of(List.of(service(v6)), List.of(new EndpointSlice("default", "web-1", WEB,
                    v6 ? AddressType.IPV6 : AddressType.IPV4, endpoints, List.of(new EndpointPort("http", Protocol.TCP, 8080)))), 1));

            // From ip, not NetworkInterface: a JVM preferring IPv4 lists no interface that has IPv6 addresses only.
            int ext0 = Integer.parseInt(node.ip("-o", "link", "show", "ext0").split(":", 2)[0].trim());
            boolean tcx = node.call(() -> TcProgram.hasTcx(ext0, TcDirection.INGRESS));
            if (KernelVersion.running().atLeast(6, 6)) assertTrue(tcx, "kernel " + KernelVersion.running() + " should have tcx (6.6+)");
            node.run(() -> {
                links.add(TcProgram.of(obj.program(LbObject.NODE_PORT_INGRESS)).attach("ext0", TcDirection.INGRESS));
                links.add(TcProgram.of(obj.program(LbObject.NODE_PORT_REPLY)).attach("ext0", TcDirection.EGRESS));
                if (acceleration.xdp()) links.add(NodePortXdp.attach(obj, "ext0", acceleration));
            });
            String ingressFilters = node.tc("filter", "show", "dev", "ext0", "ingress");
            String egressFilters = node.tc("filter", "show", "dev", "ext0", "egress");
            System.out.printf("NodePort attach path on linux %s: %s%n", KernelVersion.running(), tcx ? "tcx" : "clsact");
            if (tcx) {
                assertFalse(ingressFilters.contains("lb_nodeport"), "tcx path but a cls_bpf filter: " + ingressFilters);
            } else {
                // The kernel keeps 15 characters of a program's name (BPF_OBJ_NAME_LEN).
                assertTrue(ingressFilters.contains("lb_nodeport_ing") && ingressFilters.contains("direct-action"),
                        "clsact fallback: cls_bpf ingress filter expected, tc shows: " + ingressFilters);
                assertTrue(egressFilters.contains("lb_nodeport_rep"), "clsact egress filter, tc shows: " + egressFilters);
            }

            Set<String> seen = new TreeSet<>();
            for (int i = 0; i < 12 && seen.size() < 2; i++) {
                seen.add(ext.call(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(nodeIp, 30080), 3000);
                        assertEquals(new InetSocketAddress(nodeIp, 30080), s.getRemoteSocketAddress());
                        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                    }
                }));
            }
            assertEquals(Set.of("b1", "b2"), seen, "backends reached through " + nodeIp + " port 30080 (" + (tcx ? "tcx" : "clsact") + ")");
            long[] dnat = new long[2]; // packets DNATed at tc, at XDP
            try (PerCpuArrayMap<Long> stats = PerCpuArrayMap.of(obj.map(LbObject.NODE_PORT_STATS_MAP), Codec.u64())) {
                for (int slot = 0; slot < 2; slot++) for (long v : stats.get(slot).orElseThrow()) dnat[slot] += v;
            }
            System.out.printf("NodePort (%s) on linux %s, acceleration %s: %d packets DNATed at tc, %d at XDP%n",
                    v6 ? "IPv6" : "IPv4", KernelVersion.running(), acceleration, dnat[0], dnat[1]);
            if (acceleration.xdp()) {
                assertTrue(dnat[1] > 0 && dnat[0] == 0, "XDP translated, tc did not: tc " + dnat[0] + ", XDP " + dnat[1]);
            } else {
                assertTrue(dnat[0] > 0 && dnat[1] == 0, "tc translated: tc " + dnat[0] + ", XDP " + dnat[1]);
            }
        } finally {
            for (Link l : links.reversed()) l.close();
            for (ServerSocket s : servers) s.close();
        }
    }

    private static Service service(boolean v6) {
        return new Service(WEB, ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral(v6 ? "fd96::10" : "10.96.0.10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080)), List.of(), List.of(),
                SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
    }

    private static void serve(ServerSocket ss, String name) {
        while (!ss.isClosed()) {
            try (Socket s = ss.accept(); var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                out.println(name);
            } catch (IOException closed) {
                return;
            }
        }
    }
}
