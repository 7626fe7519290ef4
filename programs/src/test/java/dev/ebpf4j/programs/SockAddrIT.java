package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cgroup sock_addr hooks a socket-level load balancer uses: sendmsg4, recvmsg4, connect4, getpeername4, bind4 and
 * connect6, each observed through what the socket API reports.
 */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class SockAddrIT {
    private static final int BACKEND = 7400;
    private NetNamespace ns;
    private TestCgroup cg;

    @BeforeEach
    void setUp() {
        ns = NetNamespace.create("e4jpa");
        ns.verifyNoRouteOut();
        cg = TestCgroup.create("e4j-prog");
    }

    @AfterEach
    void tearDown() {
        try {
            if (cg != null) cg.close();
        } finally {
            if (ns != null) ns.close();
        }
    }

    private static long ip4(String literal) throws Exception {
        return Integer.toUnsignedLong(ByteBuffer.wrap(InetAddress.getByName(literal).getAddress()).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    private BpfObject load() throws Exception {
        return TestObjects.open("sockaddr").constant("service_ip", ip4("10.99.99.99")).constant("backend_ip", ip4("127.0.0.1"))
                .constant("backend_port", BACKEND).constant("bind_from", 7500).constant("bind_to", 7501).constant("sockname_port", 7600)
                .constant("service6_last", Integer.toUnsignedLong(
                        ByteBuffer.wrap(new byte[] {0, 0, 0, (byte) 0x99}).order(ByteOrder.LITTLE_ENDIAN).getInt()))
                .load();
    }

    private List<Link> attachAll(BpfObject obj) {
        // region sock-addr-attach
        List<Link> links = new ArrayList<>();
        for (String p : List.of("svc_sendmsg4", "svc_connect4", "svc_recvmsg4", "svc_getpeername4", "svc_bind4", "svc_connect6",
                "svc_bind6", "svc_getpeername6", "svc_getsockname4", "svc_getsockname6")) {
            links.add(CgroupSockAddrProgram.of(obj.program(p)).attach(cg.path()));
        }
        return links;
        // endregion
    }

    @Test
    void aDirectoryThatIsNotACgroupIsNamedInTheError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (BpfObject obj = load()) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.ebpf4j.core.BpfException.class,
                    () -> CgroupSockAddrProgram.of(obj.program("svc_connect4")).attach(dir));
            assertTrue(e.getMessage().contains(dir + " is not a cgroup v2 directory"), e.getMessage());
        }
    }

    @Test
    void udpServiceAddressIsTranslatedBothWays() throws Exception {
        // region sock-addr-udp
        try (BpfObject obj = load()) {
            List<Link> links = attachAll(obj);
            try {
                assertEquals(AttachType.CGROUP_UDP4_SENDMSG, CgroupSockAddrProgram.of(obj.program("svc_sendmsg4")).hook());
                List<String> seen = cg.runInside(() -> ns.call(() -> {
                    try (DatagramChannel backend = DatagramChannel.open(StandardProtocolFamily.INET)
                            .bind(new InetSocketAddress("127.0.0.1", BACKEND));
                         DatagramChannel client = DatagramChannel.open(StandardProtocolFamily.INET)) {
                        client.send(ByteBuffer.wrap("q".getBytes()), new InetSocketAddress("10.99.99.99", 53)); // sendmsg4
                        ByteBuffer buf = ByteBuffer.allocate(16);
                        InetSocketAddress from = (InetSocketAddress) backend.receive(buf);
                        backend.send(ByteBuffer.wrap("a".getBytes()), from);
                        InetSocketAddress replyFrom = (InetSocketAddress) client.receive(ByteBuffer.allocate(16)); // recvmsg4
                        client.connect(new InetSocketAddress("10.99.99.99", 53));                                 // connect4
                        String peer = KernelPeer.of(dev.ebpf4j.programs.internal.SocketFds.find(client)); // getpeername4
                        try (DatagramChannel bound = DatagramChannel.open(StandardProtocolFamily.INET)
                                .bind(new InetSocketAddress("127.0.0.1", 7500));                                   // bind4
                             DatagramChannel bound6 = DatagramChannel.open(StandardProtocolFamily.INET6)
                                .bind(new InetSocketAddress("::1", 7500))) {                                       // bind6
                            return List.of(replyFrom.toString(), peer,
                                    String.valueOf(((InetSocketAddress) bound.getLocalAddress()).getPort()),
                                    String.valueOf(((InetSocketAddress) bound6.getLocalAddress()).getPort()));
                        }
                    }
                }));
                assertEquals("/10.99.99.99:53", seen.get(0), "recvmsg4 shows the service as the reply's source");
                assertEquals("10.99.99.99:53", seen.get(1), "getpeername4 hides the backend of the connected socket");
                assertEquals("7501", seen.get(2), "bind4 moved the port");
                assertEquals("7501", seen.get(3), "bind6 moved the port");
            } finally {
                links.forEach(Link::close);
            }
        }
        // endregion
    }

    @Test
    void tcpConnectAndGetpeernameOverIpv4AndIpv6() throws Exception {
        try (BpfObject obj = load()) {
            List<Link> links = attachAll(obj);
            try {
                List<String> peers = cg.runInside(() -> ns.call(() -> {
                    List<String> out = new ArrayList<>();
                    try (ServerSocketChannel s4 = ServerSocketChannel.open(StandardProtocolFamily.INET)
                            .bind(new InetSocketAddress("127.0.0.1", BACKEND));
                         SocketChannel c4 = SocketChannel.open(StandardProtocolFamily.INET)) {
                        c4.connect(new InetSocketAddress("10.99.99.99", 53));
                        s4.accept().close();
                        out.add(peerName(c4));
                    }
                    try (ServerSocketChannel s6 = ServerSocketChannel.open(StandardProtocolFamily.INET6)
                            .bind(new InetSocketAddress("::1", BACKEND));
                         SocketChannel c6 = SocketChannel.open(StandardProtocolFamily.INET6)) {
                        c6.connect(new InetSocketAddress("fd00::99", 53));
                        try (SocketChannel accepted = s6.accept()) {
                            out.add(((InetSocketAddress) accepted.getLocalAddress()).getPort() + "");
                        }
                        out.add(peerName(c6));
                    }
                    return out;
                }));
                assertEquals("10.99.99.99:53", peers.get(0), "getpeername4 reports the service, not the backend");
                assertEquals(String.valueOf(BACKEND), peers.get(1), "connect6 reached the IPv6 backend");
                assertEquals("[fd00:0:0:0:0:0:0:99]:53", peers.get(2), "getpeername6 reports the service, not the backend");
            } finally {
                links.forEach(Link::close);
            }
        }
    }

    @Test
    void getsocknameReportsTheServiceAddressOverIpv4AndIpv6() throws Exception {
        try (BpfObject obj = load()) {
            List<Link> links = attachAll(obj);
            try {
                assertEquals(AttachType.CGROUP_INET4_GETSOCKNAME, CgroupSockAddrProgram.of(obj.program("svc_getsockname4")).hook());
                List<String> names = cg.runInside(() -> ns.call(() -> {
                    try (DatagramChannel v4 = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 7600));
                         DatagramChannel v6 = DatagramChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress("::1", 7600));
                         DatagramChannel other = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 7601))) {
                        return List.of(KernelPeer.local(dev.ebpf4j.programs.internal.SocketFds.find(v4)),
                                KernelPeer.local(dev.ebpf4j.programs.internal.SocketFds.find(v6)),
                                KernelPeer.local(dev.ebpf4j.programs.internal.SocketFds.find(other)));
                    }
                }));
                assertEquals("10.99.99.99:7600", names.get(0), "getsockname4 reports the service address");
                assertEquals("[fd00:0:0:0:0:0:0:99]:7600", names.get(1), "getsockname6 reports the service address");
                assertEquals("127.0.0.1:7601", names.get(2), "other sockets are left alone");
            } finally {
                links.forEach(Link::close);
            }
        }
    }

    /** The kernel's getpeername (the JDK caches the connect address, so ask the kernel through the socket fd). */
    private static String peerName(SocketChannel channel) throws Exception {
        int fd = dev.ebpf4j.programs.internal.SocketFds.find(channel);
        return KernelPeer.of(fd);
    }
}
