package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.programs.internal.SocketFds;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TCP congestion control written in BPF (tcp_cc.bpf.c, Reno-like) registered as a struct_ops link: a socket of a test
 * namespace selects it with TCP_CONGESTION, sends 8 MiB over loopback, and the kernel ran its ops.
 */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class TcpCongestionIT {
    private static final int IPPROTO_TCP = 6, TCP_CONGESTION = 13;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SETSOCKOPT = LINKER.downcallHandle(LINKER.defaultLookup().find("setsockopt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle GETSOCKOPT = LINKER.downcallHandle(LINKER.defaultLookup().find("getsockopt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");

    @Test
    void aSocketUsesTheBpfCongestionControlWhileItIsRegistered() throws Throwable {
        try (NetNamespace ns = NetNamespace.create("e4jp-cc");
             BpfObject obj = TestObjects.open("tcp_cc").load()) {
            ns.verifyNoRouteOut();
            assertThrows(IllegalArgumentException.class, () -> StructOps.register(obj.map("calls")), "not a struct_ops map");
            // region struct-ops
            try (BpfLink link = StructOps.register(obj.map("e4j_reno"))) {
                assertEquals(LinkType.STRUCT_OPS, link.info().type());
                assertTrue(Files.readString(AVAILABLE).contains("e4j_reno"), "registered: " + Files.readString(AVAILABLE));
                String used = ns.call(() -> transfer(8 << 20));
                assertEquals("e4j_reno", used, "getsockopt(TCP_CONGESTION) after the transfer");
            }
            // endregion
            assertTrue(TestObjects.u64(obj.map("calls"), 0) >= 1, "init ran for the socket");
            long congAvoid = TestObjects.u64(obj.map("calls"), 2);
            assertTrue(congAvoid > 0, "cong_avoid ran on ACKs: " + congAvoid);
            System.out.printf("e4j_reno ops: init %d, ssthresh %d, cong_avoid %d, undo_cwnd %d%n",
                    TestObjects.u64(obj.map("calls"), 0), TestObjects.u64(obj.map("calls"), 1), congAvoid,
                    TestObjects.u64(obj.map("calls"), 3));
            assertFalse(Files.readString(AVAILABLE).contains("e4j_reno"), "unregistered once the link closed");
        }
    }

    /** Sends {@code bytes} from a client that selected e4j_reno to a server on loopback; returns the client's algorithm. */
    private static String transfer(int bytes) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             SocketChannel client = SocketChannel.open()) {
            client.bind(new InetSocketAddress("127.0.0.1", 0));
            int fd = SocketFds.find(client);
            setCongestion(fd, "e4j_reno");
            client.connect(server.getLocalAddress());
            try (SocketChannel accepted = server.accept()) {
                Thread reader = Thread.ofPlatform().start(() -> {
                    ByteBuffer in = ByteBuffer.allocate(1 << 16);
                    try {
                        long got = 0;
                        while (got < bytes) {
                            int n = accepted.read(in.clear());
                            if (n < 0) break;
                            got += n;
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                ByteBuffer out = ByteBuffer.allocate(1 << 16);
                for (int sent = 0; sent < bytes; sent += out.capacity()) {
                    out.clear();
                    while (out.hasRemaining()) client.write(out);
                }
                reader.join();
                return congestion(fd);
            }
        }
    }

    private static void setCongestion(int fd, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocateFrom(name);
            int r = (int) SETSOCKOPT.invokeExact(fd, IPPROTO_TCP, TCP_CONGESTION, value, name.length());
            if (r != 0) throw new IllegalStateException("setsockopt TCP_CONGESTION " + name + " failed");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static String congestion(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(16);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 16);
            int r = (int) GETSOCKOPT.invokeExact(fd, IPPROTO_TCP, TCP_CONGESTION, value, len);
            if (r != 0) throw new IllegalStateException("getsockopt TCP_CONGESTION failed");
            return value.getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
