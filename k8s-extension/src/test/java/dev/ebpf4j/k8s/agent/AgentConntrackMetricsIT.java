package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.conntrack.ConntrackGc;
import dev.ebpf4j.k8s.conntrack.ConntrackTimeouts;
import dev.ebpf4j.k8s.lb.KernelLbDatapath;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.lb.LbObject;
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
import dev.ebpf4j.k8s.source.InMemorySource;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** /metrics shows conntrack occupancy per table and what the sweep deleted, from the real NodePort maps. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class AgentConntrackMetricsIT {
    @Test
    void metricsShowOccupancyAndDeletions() throws Exception {
        ConntrackTimeouts timeouts = ConntrackTimeouts.defaults().withOther(Duration.ofMillis(300));
        LbConfig config = LbConfig.forNode("n1").withConntrack(timeouts);
        Service svc = new Service(new ServiceName("default", "dns"), ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral("10.96.0.10")),
                List.of(new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(5353), 30053)), List.of(), List.of(),
                SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
        EndpointSlice slice = new EndpointSlice("default", "dns-1", new ServiceName("default", "dns"), AddressType.IPV4,
                List.of(Endpoint.ready(InetAddress.ofLiteral("10.1.0.1"), "n1")), List.of(new EndpointPort("dns", Protocol.UDP, 5353)));
        try (BpfObject obj = LbObject.configure(LbObject.open(), config).load();
             KernelLbDatapath datapath = KernelLbDatapath.of(obj);
             ConntrackGc gc = ConntrackGc.forLoadBalancer(obj, timeouts);
             InMemorySource source = new InMemorySource()) {
            LbController controller = new LbController(config, datapath);
            controller.sync(ClusterSnapshot.of(List.of(svc), List.of(slice), 1));
            ProgramTester ingress = ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_INGRESS)));
            for (int i = 0; i < 50; i++) {
                ingress.run(Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("10.9.0.1", "172.16.0.1")
                        .udp(20000 + i, 30053).payload(new byte[4]).build());
            }
            try (AgentStatus status = new AgentStatus(controller, source)) {
                status.conntrack(List.of(gc));
                gc.sweep();
                String m = status.metrics();
                assertTrue(m.contains("ebpf4j_conntrack_entries{table=\"lb_ct\"} 100\n"), m);
                assertTrue(m.contains("ebpf4j_conntrack_entries{table=\"lb_snat\"} 0\n"), m);
                assertTrue(m.contains("ebpf4j_conntrack_gc_deleted_total{table=\"lb_ct\"} 0\n"), m);
                Thread.sleep(500);
                gc.sweep();
                m = status.metrics();
                assertTrue(m.contains("ebpf4j_conntrack_entries{table=\"lb_ct\"} 0\n"), m);
                assertTrue(m.contains("ebpf4j_conntrack_gc_deleted_total{table=\"lb_ct\"} 100\n"), m);
                assertTrue(m.contains("# TYPE ebpf4j_conntrack_gc_deleted_total counter"), m);
                assertTrue(m.contains("ebpf4j_conntrack_gc_last_sweep_seconds{table=\"lb_ct\"} "), m);
            }
        }
    }
}
