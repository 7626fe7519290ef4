package dev.ebpf4j.programs.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_LONG;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/**
 * A NETLINK_ROUTE socket for link requests (create and delete a device), opened in the calling thread's network
 * namespace and staying in it: a request sent later from any thread acts on that namespace. Requests are acknowledged
 * ({@code NLM_F_ACK}); a kernel error becomes a {@link BpfException}.
 */
public final class Rtnetlink implements AutoCloseable {
    private static final int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, NETLINK_ROUTE = 0;
    private static final int NLMSG_ERROR = 2, NLM_F_REQUEST = 1, NLM_F_ACK = 4;
    public static final int RTM_NEWLINK = 16, RTM_DELLINK = 17;
    public static final int NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
    private static final MethodHandle SOCKET = Native.libcErrno("socket", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT));
    private static final MethodHandle SEND = Native.libcErrno("send", FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_INT));
    private static final MethodHandle RECV = Native.libcErrno("recv", FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_INT));
    private static final AtomicInteger SEQUENCE = new AtomicInteger(1);
    private final int fd;

    private Rtnetlink(int fd) {
        this.fd = fd;
    }

    /** Opens the socket in the calling thread's namespace. */
    public static Rtnetlink open() {
        try {
            int fd = (int) SOCKET.invokeExact(Native.captureSegment(), AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
            if (fd < 0) throw BpfException.of("rtnetlink socket", Native.capturedErrno());
            return new Rtnetlink(fd);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Sends one request (header added here) and waits for its acknowledgement. */
    public synchronized void request(String operation, int type, int flags, byte[] body) {
        int seq = SEQUENCE.getAndIncrement();
        ByteBuffer msg = ByteBuffer.allocate(16 + body.length).order(ByteOrder.nativeOrder());
        msg.putInt(16 + body.length).putShort((short) type).putShort((short) (flags | NLM_F_REQUEST | NLM_F_ACK))
                .putInt(seq).putInt(0).put(body);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(msg.capacity()).copyFrom(MemorySegment.ofArray(msg.array()));
            long sent = (long) SEND.invokeExact(Native.captureSegment(), fd, out, out.byteSize(), 0);
            if (sent < 0) throw BpfException.of(operation + ": netlink send", Native.capturedErrno());
            MemorySegment in = arena.allocate(8192);
            while (true) {
                long n = (long) RECV.invokeExact(Native.captureSegment(), fd, in, in.byteSize(), 0);
                if (n < 0) throw BpfException.of(operation + ": netlink receive", Native.capturedErrno());
                for (long at = 0; at + 16 <= n; ) {
                    int len = in.get(ValueLayout.JAVA_INT, at);
                    int msgType = Short.toUnsignedInt(in.get(ValueLayout.JAVA_SHORT, at + 4));
                    int msgSeq = in.get(ValueLayout.JAVA_INT, at + 8);
                    if (msgType == NLMSG_ERROR && msgSeq == seq) {
                        int error = in.get(ValueLayout.JAVA_INT, at + 16);
                        if (error != 0) throw BpfException.of(operation, error);
                        return;
                    }
                    if (len < 16) break;
                    at += (len + 3) & ~3;
                }
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    @Override
    public synchronized void close() {
        Libc.close(fd);
    }

    /** Builds {@code struct ifinfomsg} followed by netlink attributes, nested ones included. */
    public static final class Attributes {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        /** Starts with an {@code ifinfomsg} for {@code ifindex} (0 for a new device). */
        public static Attributes ifinfo(int ifindex) {
            Attributes a = new Attributes();
            a.raw(ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).put((byte) 0).put((byte) 0).putShort((short) 0)
                    .putInt(ifindex).putInt(0).putInt(0).array());
            return a;
        }

        /** An empty attribute list (inside a nest). */
        public static Attributes empty() {
            return new Attributes();
        }

        public Attributes string(int type, String value) {
            byte[] s = value.getBytes(StandardCharsets.UTF_8);
            byte[] z = new byte[s.length + 1];
            System.arraycopy(s, 0, z, 0, s.length);
            return bytes(type, z);
        }

        public Attributes u32(int type, int value) {
            return bytes(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
        }

        public Attributes nested(int type, Attributes inner) {
            return bytes(type, inner.toByteArray());
        }

        public Attributes bytes(int type, byte[] payload) {
            int len = 4 + payload.length;
            raw(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putShort((short) len).putShort((short) type).array());
            raw(payload);
            raw(new byte[((len + 3) & ~3) - len]);
            return this;
        }

        private void raw(byte[] b) {
            bytes.write(b, 0, b.length);
        }

        public byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
