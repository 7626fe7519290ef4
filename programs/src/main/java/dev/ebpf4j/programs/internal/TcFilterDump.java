package dev.ebpf4j.programs.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_LONG;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/**
 * Lists the filters of an interface's clsact (or ingress) qdisc with an {@code RTM_GETTFILTER} netlink dump, in the
 * calling thread's network namespace. libbpf's {@code bpf_tc_query} can only look up a filter whose priority and
 * handle are known, so listing needs its own dump; attach and detach stay with libbpf.
 */
public final class TcFilterDump {
    private static final int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, NETLINK_ROUTE = 0;
    private static final int NLMSG_ERROR = 2, NLMSG_DONE = 3, RTM_NEWTFILTER = 44, RTM_GETTFILTER = 46;
    private static final int NLM_F_REQUEST = 1, NLM_F_DUMP = 0x300;
    private static final int TCA_KIND = 1, TCA_OPTIONS = 2, TCA_CHAIN = 11;
    private static final int TCA_BPF_NAME = 7, TCA_BPF_FLAGS = 8, TCA_BPF_TAG = 10, TCA_BPF_ID = 11;
    private static final int TCA_BPF_FLAG_ACT_DIRECT = 1;
    /** {@code TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS / TC_H_MIN_EGRESS)}; the ingress one also reaches an ingress qdisc. */
    private static final int PARENT_INGRESS = 0xFFFFFFF2, PARENT_EGRESS = 0xFFFFFFF3;
    private static final int HEADER = 16, TCMSG = 20, BUFFER = 32 * 1024;

    private static final MethodHandle SOCKET = Native.libcErrno("socket", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT));
    private static final MethodHandle SEND = Native.libcErrno("send", FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_INT));
    private static final MethodHandle RECV = Native.libcErrno("recv", FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_INT));

    /**
     * A filter on the clsact hook of an interface.
     *
     * @param ifindex      the interface
     * @param ingress      ingress hook (else egress)
     * @param kind         the classifier ({@code bpf} for cls_bpf; others carry no program)
     * @param priority     filter priority
     * @param protocol     the filter's protocol (an ETH_P_* value in host order, {@code 3} = all)
     * @param handle       filter handle
     * @param chain        filter chain
     * @param programId    the BPF program's id, 0 for other classifiers
     * @param name         cls_bpf's name for the program (object file and section when tc made it), may be empty
     * @param directAction whether cls_bpf runs in direct-action mode
     * @param tag          the program tag in hex, may be empty
     */
    public record Filter(int ifindex, boolean ingress, String kind, int priority, int protocol, int handle, int chain,
                         int programId, String name, boolean directAction, String tag) {}

    private TcFilterDump() {}

    /**
     * The filters of {@code ifindex}'s ingress or egress clsact hook, in the order the kernel runs them (priority,
     * then handle); empty when the interface has no clsact/ingress qdisc.
     */
    public static List<Filter> list(int ifindex, boolean ingress) {
        int fd = Calls.check("netlink socket", () -> errnoOf((int) SOCKET.invokeExact(Native.captureSegment(),
                AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)));
        try (Arena arena = Arena.ofConfined()) {
            int seq = (int) System.nanoTime();
            MemorySegment req = arena.allocate(HEADER + TCMSG, 4);
            req.set(ValueLayout.JAVA_INT, 0, HEADER + TCMSG);
            req.set(ValueLayout.JAVA_SHORT, 4, (short) RTM_GETTFILTER);
            req.set(ValueLayout.JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
            req.set(ValueLayout.JAVA_INT, 8, seq);
            req.set(ValueLayout.JAVA_INT, HEADER + 4, ifindex);
            req.set(ValueLayout.JAVA_INT, HEADER + 12, ingress ? PARENT_INGRESS : PARENT_EGRESS);
            long sent = io(SEND, fd, req, HEADER + TCMSG);
            if (sent < 0) throw BpfException.of("netlink send RTM_GETTFILTER", (int) sent);
            MemorySegment buf = arena.allocate(BUFFER, 8);
            List<Filter> out = new ArrayList<>();
            while (true) {
                long n = io(RECV, fd, buf, BUFFER);
                if (n < 0) throw BpfException.of("netlink recv RTM_GETTFILTER", (int) n);
                for (long off = 0; off + HEADER <= n; ) {
                    int len = buf.get(ValueLayout.JAVA_INT, off);
                    int type = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, off + 4));
                    if (len < HEADER || off + len > n) throw new IllegalStateException("malformed netlink message of length " + len);
                    if (buf.get(ValueLayout.JAVA_INT, off + 8) == seq) {
                        if (type == NLMSG_DONE) return out;
                        if (type == NLMSG_ERROR) {
                            int err = buf.get(ValueLayout.JAVA_INT, off + HEADER);
                            if (err == 0) return out;
                            // no qdisc on the hook, or no such device: nothing attached there
                            if (err == -Errno.EINVAL || err == -Errno.ENOENT || err == -Errno.ENODEV) return out;
                            throw BpfException.of("netlink dump tc filters of ifindex " + ifindex, err);
                        }
                        if (type == RTM_NEWTFILTER) parse(buf.asSlice(off, len), ifindex, ingress, out);
                    }
                    off += align(len);
                }
            }
        } finally {
            Libc.close(fd);
        }
    }

    /** One RTM_NEWTFILTER message; the kernel also reports a bare entry per priority (no options), skipped here. */
    private static void parse(MemorySegment msg, int ifindex, boolean ingress, List<Filter> out) {
        int handle = msg.get(ValueLayout.JAVA_INT, HEADER + 8);
        int info = msg.get(ValueLayout.JAVA_INT, HEADER + 16);
        String kind = "";
        int chain = 0;
        MemorySegment options = null;
        for (long a = HEADER + TCMSG; a + 4 <= msg.byteSize(); ) {
            int alen = Short.toUnsignedInt(msg.get(ValueLayout.JAVA_SHORT, a));
            int atype = msg.get(ValueLayout.JAVA_SHORT, a + 2) & 0x3FFF;
            if (alen < 4 || a + alen > msg.byteSize()) break;
            MemorySegment payload = msg.asSlice(a + 4, alen - 4);
            switch (atype) {
                case TCA_KIND -> kind = string(payload);
                case TCA_CHAIN -> chain = payload.get(ValueLayout.JAVA_INT, 0);
                case TCA_OPTIONS -> options = payload;
                default -> { }
            }
            a += align(alen);
        }
        if (options == null) return;
        int progId = 0, flags = 0;
        String name = "", tag = "";
        if (kind.equals("bpf")) {
            for (long a = 0; a + 4 <= options.byteSize(); ) {
                int alen = Short.toUnsignedInt(options.get(ValueLayout.JAVA_SHORT, a));
                int atype = options.get(ValueLayout.JAVA_SHORT, a + 2) & 0x3FFF;
                if (alen < 4 || a + alen > options.byteSize()) break;
                MemorySegment p = options.asSlice(a + 4, alen - 4);
                switch (atype) {
                    case TCA_BPF_ID -> progId = p.get(ValueLayout.JAVA_INT, 0);
                    case TCA_BPF_NAME -> name = string(p);
                    case TCA_BPF_FLAGS -> flags = p.get(ValueLayout.JAVA_INT, 0);
                    case TCA_BPF_TAG -> tag = HexFormat.of().formatHex(p.toArray(ValueLayout.JAVA_BYTE));
                    default -> { }
                }
                a += align(alen);
            }
        }
        int protocol = Short.toUnsignedInt(Short.reverseBytes((short) (info & 0xFFFF)));
        out.add(new Filter(ifindex, ingress, kind, info >>> 16, protocol, handle, chain, progId, name,
                (flags & TCA_BPF_FLAG_ACT_DIRECT) != 0, tag));
    }

    private static long io(MethodHandle h, int fd, MemorySegment buf, long len) {
        try {
            long r = (long) h.invokeExact(Native.captureSegment(), fd, buf, len, 0);
            return r < 0 ? -Native.capturedErrno() : r;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static int errnoOf(int r) {
        return r < 0 ? -Native.capturedErrno() : r;
    }

    private static long align(long len) {
        return (len + 3) & ~3L;
    }

    private static String string(MemorySegment s) {
        byte[] b = s.toArray(ValueLayout.JAVA_BYTE);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
