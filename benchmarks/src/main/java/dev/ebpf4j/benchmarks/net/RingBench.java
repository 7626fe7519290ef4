package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.observe.FlowEventView;
import dev.ebpf4j.maps.RingBuffer;
import dev.ebpf4j.maps.ringbuf.RecordHandler;
import dev.ebpf4j.maps.ringbuf.RecordSliceHandler;
import dev.ebpf4j.maps.ringbuf.RingBufferReader;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.programs.packet.Packets;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Flow reader benchmark (issue 7 item 8): records of the flow event's size (104 bytes) drained from one ring buffer
 * by the Java {@link RingBufferReader} and by C libbpf's {@code ring_buffer__consume} (c/ring_drain.c, called through
 * FFM), in alternating rounds of one process. Each round first fills the ring with a BPF producer run through
 * BPF_PROG_TEST_RUN with a big repeat count, so only the consumer's rate is timed. Run by
 * {@code benchmarks/run-ring-bench.sh}. With {@code -Dhandler=view} the Java handler decodes each record through the
 * observe module's {@link FlowEventView}, as its reader does (a separate JVM, so each handler is measured alone).
 */
public final class RingBench {
    static final int EVENTS = Integer.getInteger("events", 500_000), ROUNDS = Integer.getInteger("rounds", 9);
    static final int EVENT_SIZE = 104;

    static long checksum;

    static void decode(FlowEventView v) {
        checksum += v.timestampNanos() + v.kind() + v.verdict() + v.sourcePort() + v.destinationPort() + v.ifindex()
                + v.socketId() + v.latencyNanos();
    }

    public static void main(String[] args) throws Throwable {
        Path file = Path.of(args.length > 0 ? args[0] : "benchmarks/results/ring.csv");
        boolean viewMode = "view".equals(System.getProperty("handler", "field"));
        BenchSupport out = new BenchSupport(viewMode ? "flow-reader-flow-event-view" : "flow-reader");
        out.comment(EVENTS + " records of " + EVENT_SIZE + " bytes per round, " + ROUNDS + " rounds alternating Java and C, medians");
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(Path.of("benchmarks/target/libringdrain.so").toAbsolutePath(), Arena.global());
        MethodHandle open = linker.downcallHandle(lib.find("ring_drain_open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle drain = linker.downcallHandle(lib.find("ring_drain_run").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        MethodHandle close = linker.downcallHandle(lib.find("ring_drain_close").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] frame = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
        RecordHandler handler = (source, record) -> checksum += record.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        // What the observe module's reader does per record: the reader hands over the record's position (no segment
        // per record), the view copies the header and the fields are read from the copy.
        FlowEventView view = new FlowEventView();
        RecordSliceHandler decoding = (source, data, offset, length) -> decode(view.wrap(data, offset, length));
        // One handler per JVM: the reader's call site stays monomorphic, as in an agent with one consumer (with two
        // segment handlers there, the JIT stops scalar-replacing the per-record segment: 40 B/event).
        String variant = viewMode ? "java-RingBufferReader+FlowEventView" : "java-RingBufferReader";
        if (FlowEventView.HEADER_SIZE != EVENT_SIZE) throw new IllegalStateException("flow event size changed: " + FlowEventView.HEADER_SIZE);

        try (BpfObject obj = BpfObject.open(BenchSupport.compile("ring_producer.bpf.c")).load();
             RingBuffer ring = RingBuffer.of(obj.map("events"));
             RingBufferReader reader = RingBufferReader.of(ring);
             Arena arena = Arena.ofConfined()) {
            ProgramTester producer = ProgramTester.of(XdpProgram.of(obj.program("produce"))).repeat(EVENTS);
            MemorySegment rb = (MemorySegment) open.invokeExact(ring.fd());
            if (rb.equals(MemorySegment.NULL)) throw new IllegalStateException("ring_buffer__new failed");
            MemorySegment count = arena.allocate(ValueLayout.JAVA_LONG);
            double[] java = new double[ROUNDS], c = new double[ROUNDS], alloc = new double[ROUNDS], produce = new double[ROUNDS];
            try {
                for (int r = -2; r < ROUNDS; r++) { // two warm-up rounds
                    TestRun run = producer.run(frame);
                    if (run.verdict() != TestRun.XDP_PASS) throw new IllegalStateException("ring full: producer dropped");
                    long a0 = threads.getCurrentThreadAllocatedBytes();
                    long t0 = System.nanoTime();
                    long got = 0;
                    int n;
                    if (viewMode) {
                        while ((n = reader.drain(decoding, Integer.MAX_VALUE)) > 0) got += n;
                    } else {
                        while ((n = reader.drain(handler, Integer.MAX_VALUE)) > 0) got += n;
                    }
                    long ns = System.nanoTime() - t0;
                    long bytes = threads.getCurrentThreadAllocatedBytes() - a0;
                    if (got != EVENTS) throw new IllegalStateException("Java drained " + got + " of " + EVENTS);

                    if (producer.run(frame).verdict() != TestRun.XDP_PASS) throw new IllegalStateException("ring full: producer dropped");
                    long cns = (long) drain.invokeExact(rb, count);
                    long cgot = count.get(ValueLayout.JAVA_LONG, 0);
                    if (cgot != EVENTS) throw new IllegalStateException("C drained " + cgot + " of " + EVENTS);
                    if (r < 0) continue;
                    java[r] = EVENTS / (ns / 1e9);
                    c[r] = EVENTS / (cns / 1e9);
                    alloc[r] = (double) bytes / EVENTS;
                    produce[r] = 1e9 / run.nanosPerRun();
                    System.out.printf("round %d: Java %,.0f events/s (%.3f B/event), C %,.0f events/s%n", r, java[r], alloc[r], c[r]);
                }
            } finally {
                close.invokeExact(rb);
            }
            double j = BenchSupport.median(java), cc = BenchSupport.median(c), a = BenchSupport.median(alloc);
            out.row(variant, "events_per_s", j, "events/s");
            out.row("c-libbpf-ring_buffer__consume", "events_per_s", cc, "events/s");
            out.row(variant, "allocated_per_event", a, "B/event");
            out.row("bpf-producer-test-run", "events_per_s", BenchSupport.median(produce), "events/s");
            System.out.printf("%-34s %,14.0f events/s%n%-34s %,14.0f events/s%n", variant, j, "C libbpf ring_buffer__consume", cc);
            out.ratio("java_vs_c_events_per_s", j / cc, ">= 0.9", j / cc >= 0.9);
            out.check("java_events_per_s", j, "ev/s", ">= 1e6", j >= 1e6);
            out.check("java_allocated_per_event", a, "B", "0", a < 0.01);
        }
        System.out.println("(checksum " + checksum + ")");
        out.write(file);
    }
}
