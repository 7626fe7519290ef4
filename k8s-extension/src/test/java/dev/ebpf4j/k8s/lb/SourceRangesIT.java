package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Cidr;
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
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code loadBalancerSourceRanges} in the NodePort program (SYNs through {@code BPF_PROG_TEST_RUN}): a client outside
 * the ranges is dropped at the load-balancer IP, one inside is translated, the NodePort and external IP of the same
 * Service stay open to all, and changing or removing the ranges takes effect; the simulated datapath, driven by the
 * same controller calls, admits exactly the same clients.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class SourceRangesIT {
    private static final String LB_IP = "198.51.100.1", NODE = "172.16.0.1", EXTERNAL = "192.0.2.7";
    private static final List<String> CLIENTS = List.of("203.0.113.5", "203.0.113.200", "10.9.0.7", "192.0.2.99", "8.8.8.8");

    private static ClusterSnapshot snapshot(List<String> ranges, long generation) {
        Service svc = new Service(new ServiceName("default", "web"), ServiceType.LOAD_BALANCER, List.of(InetAddress.ofLiteral("10.96.0.10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080)),
                List.of(InetAddress.ofLiteral(EXTERNAL)), List.of(InetAddress.ofLiteral(LB_IP)), SessionAffinity.NONE,
                TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER).withLoadBalancerSourceRanges(ranges.stream().map(Cidr::parse).toList());
        var slice = new EndpointSlice("default", "web-1", svc.id(), AddressType.IPV4,
                List.of(Endpoint.ready(InetAddress.ofLiteral("10.1.0.1"), "n1")), List.of(new EndpointPort("http", Protocol.TCP, 8080)));
        return ClusterSnapshot.of(List.of(svc), List.of(slice), generation);
    }

    /** For each client in order: "in" (translated) or "dropped", through the kernel program. */
    private static int nextPort = 20000; // a new flow every time: an established one is not checked again

    private static List<String> kernel(ProgramTester ingress, String frontend, int port) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < CLIENTS.size(); i++) {
            byte[] syn = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(CLIENTS.get(i), frontend)
                    .tcp(nextPort++, port, Packets.TCP_SYN, 1).build();
            TestRun r = ingress.run(syn);
            out.add(r.verdict() == TestRun.TCX_DROP ? "dropped" : r.verdict() == TestRun.TCX_NEXT ? "in" : "verdict " + r.verdict());
        }
        return out;
    }

    private static List<String> simulated(SimulatedLbDatapath sim) {
        Frontend f = new Frontend(InetAddress.ofLiteral(LB_IP), 80, Protocol.TCP, FrontendKind.LOAD_BALANCER);
        return CLIENTS.stream().map(c -> sim.sourceAllowed(f, InetAddress.ofLiteral(c)) ? "in" : "dropped").toList();
    }

    @Test
    void clientsOutsideTheRangesAreDroppedAtTheLoadBalancerIpOnly() {
        try (BpfObject obj = LbObject.open().load(); KernelLbDatapath datapath = KernelLbDatapath.of(obj);
             SimulatedLbDatapath sim = new SimulatedLbDatapath()) {
            LbController kernelSide = new LbController(LbConfig.forNode("n1"), datapath), simSide = new LbController(LbConfig.forNode("n1"), sim);
            ProgramTester ingress = ProgramTester.of(TcProgram.of(obj.program("lb_nodeport_ingress")));
            List<List<String>> rangeSets = List.of(List.of("203.0.113.0/24", "10.9.0.0/16"), List.of("203.0.113.128/25"),
                    List.of("2001:db8::/32"), List.of());
            List<List<String>> expected = List.of(List.of("in", "in", "in", "dropped", "dropped"),
                    List.of("dropped", "in", "dropped", "dropped", "dropped"),
                    List.of("dropped", "dropped", "dropped", "dropped", "dropped"), // only an IPv6 range: no IPv4 client
                    List.of("in", "in", "in", "in", "in"));
            for (int i = 0; i < rangeSets.size(); i++) {
                ClusterSnapshot s = snapshot(rangeSets.get(i), i + 1);
                kernelSide.sync(s);
                simSide.sync(s);
                String where = "ranges " + rangeSets.get(i);
                assertEquals(expected.get(i), kernel(ingress, LB_IP, 80), where + " at the LB IP");
                assertEquals(expected.get(i), simulated(sim), where + ": the simulated datapath agrees");
                assertEquals(List.of("in", "in", "in", "in", "in"), kernel(ingress, NODE, 30080), where + ": the NodePort is open");
                assertEquals(List.of("in", "in", "in", "in", "in"), kernel(ingress, EXTERNAL, 80), where + ": the external IP is open");
            }
            kernelSide.sync(snapshot(List.of("203.0.113.0/24"), 9));
            kernelSide.sync(ClusterSnapshot.of(List.of(), List.of(), 10));
            assertEquals(0, dev.ebpf4j.maps.RawMap.of(obj.map("lb_src_ranges")).countKeys(100), "a deleted Service leaves no entries");
        }
    }
}
