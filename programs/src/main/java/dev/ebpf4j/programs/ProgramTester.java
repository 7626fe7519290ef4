package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * Runs XDP, TC, socket filter and cgroup skb programs on a packet in the kernel ({@code BPF_PROG_TEST_RUN}) without
 * attaching them: verdict, output packet and time per run.
 *
 * {@snippet :
 * byte[] frame = Packets.ethernet(a, b).ipv4("10.0.0.1", "10.0.0.2").udp(1, 7777).build();
 * TestRun run = ProgramTester.of(xdp).repeat(1000).run(frame);
 * assertEquals(TestRun.XDP_DROP, run.verdict());
 * }
 *
 * <p>The context ({@code struct xdp_md} for XDP, {@code struct __sk_buff} for the others) can be passed in and read
 * back where the kernel supports it (Linux 5.10+ for XDP). Immutable settings; thread-safe.
 */
public final class ProgramTester {
    /** Size of {@code struct __sk_buff} and of {@code struct xdp_md}. */
    public static final int SKB_CONTEXT_SIZE = 192, XDP_CONTEXT_SIZE = 24;
    private static final int OUT_CAPACITY = 65_536;
    private final Program program;
    private final int repeat;

    private ProgramTester(Program program, int repeat) {
        this.program = program;
        this.repeat = repeat;
    }

    /** A tester for a packet program. */
    public static ProgramTester of(Program program) {
        if (!(program instanceof XdpProgram || program instanceof TcProgram || program instanceof SocketFilterProgram
                || program instanceof CgroupSkbProgram)) {
            throw new IllegalArgumentException(program + " cannot be test-run on a packet; XDP, TC, socket filter and "
                    + "cgroup skb programs can");
        }
        return new ProgramTester(program, 1);
    }

    /** Runs the program {@code times} times per {@link #run} (the timing is averaged over them). */
    public ProgramTester repeat(int times) {
        if (times < 1) throw new IllegalArgumentException("repeat must be at least 1");
        return new ProgramTester(program, times);
    }

    /** Runs on {@code packet} (a full Ethernet frame). */
    public TestRun run(byte[] packet) {
        return run(packet, null);
    }

    /** Runs on {@code packet} with a context (see {@link #skbContext} and {@link #xdpContext}). */
    public TestRun run(byte[] packet, byte[] context) {
        if (packet.length < 14) throw new IllegalArgumentException("a packet needs at least an Ethernet header (14 bytes)");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(packet.length).copyFrom(MemorySegment.ofArray(packet));
            MemorySegment out = arena.allocate(OUT_CAPACITY);
            MemorySegment opts = arena.allocate(80, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 80);
            opts.set(ValueLayout.ADDRESS, 8, in);
            opts.set(ValueLayout.ADDRESS, 16, out);
            opts.set(ValueLayout.JAVA_INT, 24, packet.length);
            opts.set(ValueLayout.JAVA_INT, 28, OUT_CAPACITY);
            MemorySegment ctxOut = MemorySegment.NULL;
            if (context != null) {
                MemorySegment ctxIn = arena.allocate(context.length).copyFrom(MemorySegment.ofArray(context));
                ctxOut = arena.allocate(context.length);
                opts.set(ValueLayout.ADDRESS, 32, ctxIn);
                opts.set(ValueLayout.ADDRESS, 40, ctxOut);
                opts.set(ValueLayout.JAVA_INT, 48, context.length);
                opts.set(ValueLayout.JAVA_INT, 52, context.length);
            }
            opts.set(ValueLayout.JAVA_INT, 60, repeat);
            int fd = program.fd();
            int r = Calls.raw(() -> (int) LinkCalls.PROG_TEST_RUN.invokeExact(fd, opts));
            if (r == -Errno.ENOTSUPP || r == -Errno.EOPNOTSUPP) {
                throw NotSupportedException.missing("test run " + program.name(), "BPF_PROG_TEST_RUN for "
                        + program.handle().type() + (context != null ? " with a context" : ""), null);
            }
            if (r < 0) throw BpfException.of("test run " + program.name(), r, r == -Errno.EINVAL
                    ? "the kernel rejected the packet or context (a context must have the right size and only settable fields)" : null);
            int outLength = opts.get(ValueLayout.JAVA_INT, 28);
            byte[] output = out.asSlice(0, Math.min(outLength, OUT_CAPACITY)).toArray(ValueLayout.JAVA_BYTE);
            Optional<byte[]> ctx = context == null ? Optional.empty()
                    : Optional.of(ctxOut.asSlice(0, Math.min(opts.get(ValueLayout.JAVA_INT, 52), context.length))
                    .toArray(ValueLayout.JAVA_BYTE));
            return new TestRun(opts.get(ValueLayout.JAVA_INT, 56), output,
                    Integer.toUnsignedLong(opts.get(ValueLayout.JAVA_INT, 64)), ctx);
        }
    }

    /** A {@code struct __sk_buff} context with {@code mark} and {@code priority} set (the fields a test most often needs). */
    public static byte[] skbContext(int mark, int priority) {
        MemorySegment ctx = MemorySegment.ofArray(new byte[SKB_CONTEXT_SIZE]);
        ctx.set(ValueLayout.JAVA_INT_UNALIGNED, 8, mark);
        ctx.set(ValueLayout.JAVA_INT_UNALIGNED, 32, priority);
        return ctx.toArray(ValueLayout.JAVA_BYTE);
    }

    /** The {@code mark} of a {@code struct __sk_buff} context returned in {@link TestRun#context()}. */
    public static int skbMark(byte[] context) {
        return MemorySegment.ofArray(context).get(ValueLayout.JAVA_INT_UNALIGNED, 8);
    }

    /**
     * A {@code struct xdp_md} context for a packet of {@code packetLength} bytes arriving on {@code ingressIfindex}
     * (which must exist in the calling thread's namespace), RX queue {@code rxQueue}.
     */
    public static byte[] xdpContext(int packetLength, int ingressIfindex, int rxQueue) {
        MemorySegment ctx = MemorySegment.ofArray(new byte[XDP_CONTEXT_SIZE]);
        ctx.set(ValueLayout.JAVA_INT_UNALIGNED, 4, packetLength);   // data_end (data = 0, data_meta = 0)
        ctx.set(ValueLayout.JAVA_INT_UNALIGNED, 12, ingressIfindex);
        ctx.set(ValueLayout.JAVA_INT_UNALIGNED, 16, rxQueue);
        return ctx.toArray(ValueLayout.JAVA_BYTE);
    }
}
