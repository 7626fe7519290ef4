package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.programs.internal.SocketFds;
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
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Socket filter, cgroup sock_addr/sockops/skb, sk_msg, sk_skb and sk_lookup with real sockets in a test namespace. */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class SocketIT {
    private NetNamespace ns;

    @BeforeEach
    void namespace() {
        ns = NetNamespace.create("e4jps");
        ns.verifyNoRouteOut();
        assertTrue(ns.ip("-4", "route", "show", "table", "all", "default").isBlank(), "no route out");
    }

    @AfterEach
    void cleanup() {
        ns.close();
    }

    private static int ip4(String literal) throws Exception {
        return ByteBuffer.wrap(InetAddress.getByName(literal).getAddress()).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Test
    void socketFilterDropsChosenDatagramsOnAJavaChannel() throws Exception {
        // region socket-filter
        try (BpfObject obj = TestObjects.open("sock").load();
             DatagramChannel rx = Traffic.bind(ns, "127.0.0.1", 7000)) {
            try (Link link = SocketFilterProgram.of(obj.program("drop_odd")).attach(rx)) {
                assertEquals(LinkType.SOCKET_FILTER, link.info().type());
                ns.run(() -> {
                    try (DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET)) {
                        for (int i = 0; i < 10; i++) {
                            tx.send(ByteBuffer.wrap(new byte[] {(byte) 'x', (byte) i}), new InetSocketAddress("127.0.0.1", 7000));
                        }
                    }
                });
                assertEquals(5, Traffic.drain(rx).size(), "only even-ending datagrams arrive");
                assertEquals(5, TestObjects.u64(obj.map("counts"), 0));
            }
            ns.run(() -> {
                try (DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET)) {
                    tx.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress("127.0.0.1", 7000));
                }
            });
            assertEquals(1, Traffic.drain(rx).size(), "detached filter no longer drops");
        }
        // endregion
    }

    @Test
    void socketFilterOnAPacketSocket() throws Exception {
        try (BpfObject obj = TestObjects.open("sock").load()) {
            java.util.List<Integer> lastBytes = ns.call(() -> {
                try (PacketSocket raw = rethrow(PacketSocket::new);
                     Link link = SocketFilterProgram.of(obj.program("drop_odd")).attach(raw.fd);
                     DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET)) {
                    for (int i = 0; i < 6; i++) {
                        tx.send(ByteBuffer.wrap(new byte[] {(byte) 'x', (byte) i}), new InetSocketAddress("127.0.0.1", 7010));
                    }
                    return rethrow(raw::lastBytes);
                }
            });
            assertTrue(lastBytes.size() >= 3, "the even datagrams are captured: " + lastBytes);
            assertTrue(lastBytes.stream().allMatch(b -> b % 2 == 0), "no odd-ending frame passes the filter: " + lastBytes);
            assertTrue(TestObjects.u64(obj.map("counts"), 0) >= 3, "the filter dropped the odd ones");
        }
    }

    /** A body that may throw anything (FFM downcalls declare Throwable). */
    interface ThrowingSupplier<T> {
        T get() throws Throwable;
    }

    static <T> T rethrow(ThrowingSupplier<T> body) throws Exception {
        try {
            return body.get();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void cgroupConnect4RewritesSockopsSeesEstablishedAndSkbCounts() throws Exception {
        // region cgroup-sockops-skb
        try (TestCgroup cg = TestCgroup.create("e4j-prog");
             BpfObject obj = TestObjects.open("sock").constant("rewrite_from_ip", ip4("10.99.99.99"))
                     .constant("rewrite_to_ip", ip4("127.0.0.1")).constant("rewrite_to_port", 7100).load();
             Link connect = CgroupSockAddrProgram.of(obj.program("connect_rewrite")).attach(cg.path());
             Link sockops = SockOpsProgram.of(obj.program("sockops_established")).attach(cg.path());
             Link egress = CgroupSkbProgram.of(obj.program("skb_count")).attach(cg.path());
             Link ingress = CgroupSkbProgram.of(obj.program("skb_ingress")).attach(cg.path())) {
            assertEquals(AttachType.CGROUP_INET_INGRESS, ingress.info().detail("attach_type"));
            LinkInfo info = connect.info();
            assertEquals(LinkType.CGROUP, info.type());
            assertEquals(AttachType.CGROUP_INET4_CONNECT, info.detail("attach_type"));
            String reply = cg.runInside(() -> ns.call(() -> {
                // 10.99.99.99 is unroutable in the namespace: only the rewrite makes this connect succeed.
                // An INET socket: the JDK's default dual-stack socket would run connect6, not connect4.
                // The listener is made inside the cgroup too: accepted sockets take the listener's cgroup.
                try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 7100));
                     SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
                    client.connect(new InetSocketAddress("10.99.99.99", 80));
                    SocketChannel accepted = server.accept();
                    client.write(ByteBuffer.wrap("ping".getBytes()));
                    ByteBuffer buf = ByteBuffer.allocate(4);
                    while (buf.hasRemaining()) accepted.read(buf);
                    accepted.close();
                    return new String(buf.array(), StandardCharsets.UTF_8);
                }
            }));
            assertEquals("ping", reply);
            assertEquals(1, TestObjects.u64(obj.map("counts"), 2), "connect4 rewrote once");
            assertTrue(TestObjects.u64(obj.map("counts"), 3) >= 1, "sockops saw the active side established");
            assertTrue(TestObjects.u64(obj.map("counts"), 4) >= 1, "sockops saw the passive side established");
            assertTrue(TestObjects.u64(obj.map("counts"), 1) >= 2, "cgroup skb egress saw the packets");
            assertTrue(TestObjects.u64(obj.map("counts"), 8) >= 2, "cgroup skb ingress saw the packets");
        }
        // endregion
    }

    @Test
    void skMsgRedirectsBetweenSocketsAndSkSkbSeesReceives() throws Exception {
        // region sk-msg-skb
        try (BpfObject obj = TestObjects.open("sock").load();
             ServerSocketChannel server = ns.call(() -> ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 7200)));
             SocketChannel c1 = ns.call(() -> SocketChannel.open(new InetSocketAddress("127.0.0.1", 7200)));
             SocketChannel s1 = server.accept();
             SocketChannel c2 = ns.call(() -> SocketChannel.open(new InetSocketAddress("127.0.0.1", 7200)));
             SocketChannel s2 = server.accept();
             Link msg = SkMsgProgram.of(obj.program("msg_redirect")).attach(obj.map("socks"));
             Link parser = SkSkbProgram.of(obj.program("skb_parser")).attach(obj.map("socks"), SkSkbProgram.Kind.STREAM_PARSER);
             Link verdict = SkSkbProgram.of(obj.program("skb_verdict")).attach(obj.map("socks"), SkSkbProgram.Kind.STREAM_VERDICT)) {
            LinkInfo info = msg.info();
            assertEquals(LinkType.SOCKMAP, info.type(), "Linux 6.10+ attaches sockmap programs as links");
            assertEquals(AttachType.SK_MSG_VERDICT, info.detail("attach_type"));
            TestObjects.put(obj.map("socks"), TestObjects.ints(0), longBytes(SocketFds.find(c1)));
            TestObjects.put(obj.map("socks"), TestObjects.ints(1), longBytes(SocketFds.find(c2)));
            c1.write(ByteBuffer.wrap("redirected".getBytes()));
            ByteBuffer got = ByteBuffer.allocate(10);
            c2.socket().setSoTimeout(2000);
            while (got.hasRemaining()) if (c2.read(got) < 0) break;
            assertEquals("redirected", new String(got.array(), StandardCharsets.UTF_8), "c1's send arrives on c2's receive queue");
            assertTrue(TestObjects.u64(obj.map("counts"), 5) >= 1, "sk_msg ran");
            s1.write(ByteBuffer.wrap("x".getBytes()));
            ByteBuffer one = ByteBuffer.allocate(1);
            while (one.hasRemaining()) if (c1.read(one) < 0) break;
            assertEquals('x', one.get(0));
            assertTrue(TestObjects.u64(obj.map("counts"), 7) >= 1, "sk_skb verdict ran on c1's receive");
            assertTrue(TestObjects.u64(obj.map("counts"), 9) >= 1, "sk_skb stream parser ran on c1's receive");
            assertTrue(s2.isOpen());
        }
        // endregion
    }

    @Test
    void skLookupSteersConnectionsInANamespace() throws Exception {
        // region sk-lookup
        try (BpfObject obj = TestObjects.open("sock").constant("lookup_port", 7301).load();
             ServerSocketChannel listener = ns.call(() -> ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 7300)))) {
            TestObjects.put(obj.map("socks"), TestObjects.ints(0), longBytes(SocketFds.find(listener)));
            try (Link link = SkLookupProgram.of(obj.program("lookup_steer")).attach(ns.path())) {
                assertEquals(LinkType.NETNS, link.info().type());
                String got = ns.call(() -> {
                    // Nothing listens on 7301: sk_lookup hands the connection to the 7300 listener.
                    try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", 7301));
                         SocketChannel a = listener.accept()) {
                        return a.getLocalAddress().toString();
                    }
                });
                assertTrue(got.endsWith(":7301"), got);
                assertTrue(TestObjects.u64(obj.map("counts"), 6) >= 1);
            }
        }
        // endregion
    }

    private static byte[] longBytes(int fd) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(fd).array();
    }
}
