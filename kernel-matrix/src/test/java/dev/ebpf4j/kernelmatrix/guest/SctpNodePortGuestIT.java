package dev.ebpf4j.kernelmatrix.guest;

import com.sun.nio.sctp.MessageInfo;
import com.sun.nio.sctp.SctpChannel;
import com.sun.nio.sctp.SctpServerChannel;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.features.KernelVersion;
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
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An SCTP NodePort with real associations in the guest kernel (the host has no SCTP), over IPv4 and IPv6: an external
 * namespace opens associations to the node's address on the node port, and the tc programs DNAT them to two backend
 * namespaces and restore the node's address and port on the replies. Veth offloads SCTP's CRC32c (a local sender leaves the field
 * zero for the device), so the test turns that off on the client's and the backends' interfaces: every packet then
 * carries a CRC computed by its sender, which the datapath must update for the port it rewrites, and the receiver
 * checks it (a wrong one is dropped and counted in {@code SctpChecksumErrors}).
 */
@Tag("guest")
@ExtendWith(FdLeakCheck.class)
class SctpNodePortGuestIT {
    private static final ServiceName DIAMETER = new ServiceName("default", "diameter");
    private static final int NODE_PORT = 30868, TARGET_PORT = 3868;

    @Test
    void associationsThroughTheNodePortReachBothBackendsWithValidChecksums() throws Exception {
        associate(false);
    }

    /** The same over IPv6 (lb_nodeport6.h): a node port under "::", IPv6 backends. */
    @Test
    void ipv6AssociationsThroughTheNodePortReachBothBackends() throws Exception {
        associate(true);
    }

    private void associate(boolean v6) throws Exception {
        List<SctpServerChannel> servers = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        LbConfig config = LbConfig.forNode("n1");
        BpfObject object;
        try (BpfObjectSpec spec = LbObject.open()) {
            LbObject.configure(spec, config);
            LbObject.SOCKET_PROGRAMS.forEach(p -> spec.autoload(p, false));
            object = spec.load();
        }
        try (Topology topo = Topology.create("e4jgsc"); BpfObject obj = object;
             KernelLbDatapath datapath = KernelLbDatapath.of(obj)) {
            NodeWithBackends net = NodeWithBackends.create(topo, v6);
            NetNamespace ext = net.ext(), node = net.node();
            noSctpChecksumOffload(ext);
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                NetNamespace b = net.backends().get(i);
                noSctpChecksumOffload(b);
                String name = "b" + (i + 1);
                InetAddress address = net.backendAddresses().get(i);
                SctpServerChannel server = b.call(() -> SctpServerChannel.open().bind(new InetSocketAddress(address, TARGET_PORT)));
                servers.add(server);
                Thread.ofPlatform().daemon().start(() -> answer(server, name));
                endpoints.add(Endpoint.ready(address, "n1"));
            }
            new LbController(config, datapath).sync(ClusterSnapshot.of(List.of(service(v6)), List.of(new EndpointSlice(
                    "default", "diameter-1", DIAMETER, v6 ? AddressType.IPV6 : AddressType.IPV4, endpoints,
                    List.of(new EndpointPort("diameter", Protocol.SCTP, TARGET_PORT)))), 1));
            node.run(() -> {
                links.add(TcProgram.of(obj.program(LbObject.NODE_PORT_INGRESS)).attach("ext0", TcDirection.INGRESS));
                links.add(TcProgram.of(obj.program(LbObject.NODE_PORT_REPLY)).attach("ext0", TcDirection.EGRESS));
            });

            InetSocketAddress frontend = new InetSocketAddress(net.frontendAddress(), NODE_PORT);
            Set<String> seen = new TreeSet<>();
            for (int i = 0; i < 16 && seen.size() < 2; i++) seen.add(ext.call(() -> ask(frontend)));
            assertEquals(Set.of("b1", "b2"), seen, "backends reached over SCTP through " + frontend);
            long errors = checksumErrors(ext);
            for (NetNamespace b : net.backends()) errors += checksumErrors(b);
            System.out.printf("SCTP NodePort (%s) on linux %s: associations to b1 and b2 through %s, %d checksum errors%n",
                    v6 ? "IPv6" : "IPv4", KernelVersion.running(), frontend, errors);
            assertEquals(0, errors, "SCTP checksum errors at the client and the backends");
        } finally {
            for (Link l : links.reversed()) l.close();
            for (SctpServerChannel s : servers) s.close();
        }
    }

    private static void noSctpChecksumOffload(NetNamespace ns) {
        var r = ns.exec("ethtool", "-K", "eth0", "tx-checksum-sctp", "off");
        assertEquals(0, r.exitCode(), "ethtool -K eth0 tx-checksum-sctp off (apt-get install ethtool): " + r.output());
    }

    /** One association to {@code frontend}: a request, the backend's name back; checks the peer's address on the way. */
    private static String ask(InetSocketAddress frontend) throws IOException {
        try (SctpChannel c = SctpChannel.open(frontend, 1, 1)) {
            assertTrue(c.getRemoteAddresses().contains(frontend), "the association's peer is the frontend: " + c.getRemoteAddresses());
            c.send(ByteBuffer.wrap("who".getBytes(StandardCharsets.US_ASCII)), MessageInfo.createOutgoing(null, 0));
            ByteBuffer in = ByteBuffer.allocate(64);
            c.receive(in, null, null);
            return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
        }
    }

    private static void answer(SctpServerChannel server, String name) {
        while (server.isOpen()) {
            try (SctpChannel c = server.accept()) {
                c.receive(ByteBuffer.allocate(64), null, null);
                c.send(ByteBuffer.wrap(name.getBytes(StandardCharsets.US_ASCII)), MessageInfo.createOutgoing(null, 0));
                // The client reads the answer and closes first (SHUTDOWN), so this close does not abort before it arrives.
                c.receive(ByteBuffer.allocate(64), null, null);
            } catch (IOException closed) {
                if (!server.isOpen()) return;
            }
        }
    }

    /** SctpChecksumErrors of the namespace's SCTP MIB ({@code /proc/net/sctp/snmp}). */
    private static long checksumErrors(NetNamespace ns) {
        String snmp = ns.call(() -> Files.readString(Path.of("/proc/thread-self/net/sctp/snmp")));
        for (String line : snmp.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals("SctpChecksumErrors")) return Long.parseLong(f[1]);
        }
        throw new AssertionError("no SctpChecksumErrors in /proc/net/sctp/snmp: " + snmp);
    }

    private static Service service(boolean v6) {
        return new Service(DIAMETER, ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral(v6 ? "fd96::20" : "10.96.0.20")),
                List.of(new ServicePort("diameter", Protocol.SCTP, TARGET_PORT, TargetPort.of(TARGET_PORT), NODE_PORT)),
                List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
    }
}
