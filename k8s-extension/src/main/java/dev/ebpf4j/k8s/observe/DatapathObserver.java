package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.maps.LruHashMap;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.RingBuffer;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.ringbuf.RingBufferReader;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TracepointProgram;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The observability datapath, running: loads {@code observe_tcp} (tracepoints {@code sock:inet_sock_set_state} and
 * {@code tcp:tcp_retransmit_skb}) and {@code observe_l7} (tcx capture, attached per interface with
 * {@link #attachL7(String)}), reads both ring buffers on one thread and turns events into flows in a
 * {@link FlowHistory}, counting them in {@link FlowMetrics}. Ring buffer reservation failures are counted in the
 * programs' {@code *_lost} maps and reported by {@link #stats()} and the metrics, never dropped silently.
 *
 * <p>{@link #addRing(MapHandle, MapHandle)} adds the flow ring of any other loaded object that reports in the common
 * format ({@code observe_event.h}): the Service LB ({@code lb_events}) and the NetworkPolicy program
 * ({@code policy_flows}), so that one stream shows translations, policy verdicts, TCP and L7 flows together.
 *
 * {@snippet :
 * try (DatapathObserver observer = DatapathObserver.builder().resolver(pods).start()) {
 *     observer.attachL7("veth1a2b");                // in the calling thread's network namespace
 *     BpfObject lbObject = lb.object();
 *     observer.addRing(lbObject.map("lb_events"), lbObject.map("lb_events_lost"));
 *     observer.history().subscribe(f -> System.out.println(FlowFormat.summary(f)));
 * }
 * }
 *
 * <p>Requirements: CAP_BPF, CAP_PERFMON (tracepoints), CAP_NET_ADMIN (tcx, kernel 6.6+).
 */
public final class DatapathObserver implements FlowSource {
    private final BpfObject tcp;
    private final BpfObject l7;
    private final List<AutoCloseable> links = new ArrayList<>();
    private final List<AutoCloseable> owned = new ArrayList<>(); // maps opened from pins
    private volatile RingBufferReader reader;
    private final List<RingBuffer> rings = new ArrayList<>();
    private final List<PerCpuArrayMap<Long>> lost = new CopyOnWriteArrayList<>();
    private final FlowAssembler assembler;
    private final FlowEventView view = new FlowEventView();
    private final FlowHistory history;
    private final FlowMetrics metrics;
    private final List<Consumer<FlowEventView>> monitors = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long events, flows;

    private DatapathObserver(Builder b) {
        BpfObject tcpObj = null, l7Obj = null;
        RingBufferReader r = null;
        try {
            BpfObjectSpec tcpSpec = b.tcpSpec.get(), l7Spec = b.l7Spec.get();
            if (b.ringBytes > 0) {
                tcpSpec.maxEntries("observe_events", b.ringBytes);
                l7Spec.maxEntries("observe_l7_events", b.ringBytes);
            }
            tcpObj = tcpSpec.load();
            l7Obj = l7Spec.load();
            this.tcp = tcpObj;
            this.l7 = l7Obj;
            lost.add(PerCpuArrayMap.of(tcp.map("observe_lost"), Codec.u64()));
            lost.add(PerCpuArrayMap.of(l7.map("observe_l7_lost"), Codec.u64()));
            links.add(TracepointProgram.of(tcp.program("observe_tcp_state")).attach("sock", "inet_sock_set_state"));
            links.add(TracepointProgram.of(tcp.program("observe_tcp_retransmit")).attach("tcp", "tcp_retransmit_skb"));
            rings.add(RingBuffer.of(tcp.map("observe_events")));
            rings.add(RingBuffer.of(l7.map("observe_l7_events")));
            r = RingBufferReader.of(rings.toArray(RingBuffer[]::new));
            this.reader = r;
        } catch (RuntimeException e) {
            closeAll(e, r, l7Obj, tcpObj);
            throw e;
        }
        this.history = new FlowHistory(b.historyCapacity);
        this.metrics = b.metrics;
        this.assembler = new FlowAssembler(new FlowDecoder(b.resolver, KernelClock.system()));
        PerCpuArrayMap<Long> tcpLost = lost.get(0), l7Lost = lost.get(1);
        metrics.lostEvents("observe_events", () -> sum(tcpLost));
        metrics.lostEvents("observe_l7_events", () -> sum(l7Lost));
        LruHashMap<Long, Long> synStart = LruHashMap.of(tcp.map("observe_syn_start"), Codec.u64(), Codec.u64());
        metrics.mapFill(() -> List.of(new FlowMetrics.MapFill("observe_syn_start", count(synStart), synStart.maxEntries())));
        this.thread = b.readerThread ? Thread.ofPlatform().daemon().name("ebpf4j-observe").start(this::loop) : null;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Attaches L7 capture (tcx ingress and egress) to {@code ifname} in the calling thread's network namespace; the
     * links are closed with this observer.
     */
    public synchronized void attachL7(String ifname) {
        links.add(TcProgram.of(l7.program("observe_l7_ingress")).attach(ifname, TcDirection.INGRESS));
        links.add(TcProgram.of(l7.program("observe_l7_egress")).attach(ifname, TcDirection.EGRESS));
    }

    /**
     * Adds the flow ring buffer of another loaded object, read from now on with the observer's own rings. The ring
     * must hold {@code struct observe_event} records (observe_event.h); {@code lostCounter} is the per-CPU array whose
     * slot 0 the producer increments when a reservation fails, reported in {@link #stats()} and the metrics. The
     * object must stay loaded while the observer runs (the observer maps the ring; it closes neither map).
     *
     * {@snippet :
     * observer.addRing(lb.object().map("lb_events"), lb.object().map("lb_events_lost"));
     * observer.addRing(policy.map("policy_flows"), policy.map("policy_flows_lost"));
     * }
     *
     * @param ring        a {@code BPF_MAP_TYPE_RINGBUF} map
     * @param lostCounter a {@code BPF_MAP_TYPE_PERCPU_ARRAY} of {@code __u64}
     * @throws IllegalArgumentException if a map has another type or value size
     * @throws IllegalStateException if the observer is closed
     */
    public synchronized void addRing(MapHandle ring, MapHandle lostCounter) {
        if (!running) throw new IllegalStateException("observer closed");
        add(ring.name(), RingBuffer.of(ring), PerCpuArrayMap.of(lostCounter, Codec.u64()));
    }

    /**
     * Adds a ring buffer pinned by another process, such as the node agent's LB datapath
     * ({@code <pin dir>/lb-v1/maps/lb_events}), with its lost counter pinned beside it as {@code <name>_lost}. The
     * observer keeps the pins' maps open until it closes. A ring has one consumer position: while this observer reads
     * it, other readers of the same pin see only the records this one leaves.
     *
     * @param ring the pinned {@code BPF_MAP_TYPE_RINGBUF} of {@code struct observe_event} records
     * @throws IllegalArgumentException if a pin is not a map of the expected type
     * @throws dev.ebpf4j.core.BpfException if a pin cannot be opened (missing: ENOENT)
     * @throws IllegalStateException if the observer is closed
     */
    public synchronized void addPinnedRing(Path ring) {
        if (!running) throw new IllegalStateException("observer closed");
        Path lostPin = ring.resolveSibling(ring.getFileName() + "_lost");
        RingBuffer rb = RingBuffer.openPinned(ring);
        PerCpuArrayMap<Long> counter = null;
        try {
            counter = PerCpuArrayMap.openPinned(lostPin, Codec.u64());
            add(ring.getFileName().toString(), rb, counter);
        } catch (RuntimeException e) {
            rb.close();
            if (counter != null) counter.close();
            throw e;
        }
        owned.add(rb);
        owned.add(counter);
    }

    private void add(String name, RingBuffer added, PerCpuArrayMap<Long> counter) {
        List<RingBuffer> all = new ArrayList<>(rings);
        all.add(added);
        // A reader's ring set is fixed: map a new one over all rings, then retire the old one. Consumer positions
        // live in the kernel's ring pages, so the new reader goes on where the old one stopped.
        RingBufferReader next = RingBufferReader.of(all.toArray(RingBuffer[]::new));
        RingBufferReader old = reader;
        reader = next;
        rings.add(added);
        lost.add(counter);
        metrics.lostEvents(name, () -> sum(counter));
        old.close(); // wakes the reader thread blocked in it; its next iteration polls the new reader
    }

    /**
     * Reads what is available, waiting up to {@code timeout}; for observers built with {@code readerThread(false)}.
     *
     * @return records processed
     */
    public synchronized int poll(Duration timeout) {
        if (!running) throw new IllegalStateException("observer closed");
        if (thread != null) throw new IllegalStateException("this observer has its own reader thread; build with readerThread(false) to poll");
        return reader.poll(timeout, (source, data, offset, length) -> handle(view.wrap(data, offset, length)));
    }

    private void loop() {
        while (running) {
            try {
                reader.poll(Duration.ofMillis(200), (source, data, offset, length) -> handle(view.wrap(data, offset, length)));
            } catch (RuntimeException e) {
                if (running) System.getLogger(DatapathObserver.class.getName()).log(System.Logger.Level.WARNING, "flow reader", e);
            }
        }
    }

    private void handle(FlowEventView view) {
        events++;
        for (Consumer<FlowEventView> m : monitors) m.accept(view);
        assembler.accept(view, f -> {
            flows++;
            metrics.record(f);
            history.add(f);
        });
    }

    @Override
    public FlowHistory history() {
        return history;
    }

    /**
     * The metrics this observer feeds; it registers its ring buffers' lost counters and the fill level of its
     * connection-tracking map ({@code observe_syn_start}). The owner adds Service backends and its own maps.
     */
    public FlowMetrics metrics() {
        return metrics;
    }

    @Override
    public AutoCloseable monitor(Consumer<FlowEventView> consumer) {
        monitors.add(Objects.requireNonNull(consumer, "consumer"));
        return () -> monitors.remove(consumer);
    }

    @Override
    public Stats stats() {
        long lostEvents = 0;
        for (PerCpuArrayMap<Long> m : lost) lostEvents += sum(m);
        return new Stats(events, flows, lostEvents, assembler.unparsedCount());
    }

    private static long count(LruHashMap<Long, Long> map) {
        long n = 0;
        for (Long ignored : map.keys()) n++;
        return n;
    }

    private static long sum(PerCpuArrayMap<Long> lost) {
        long n = 0;
        for (long v : lost.get(0).orElse(List.of())) n += v;
        return n;
    }

    @Override
    public synchronized void close() {
        if (!running) return;
        running = false;
        if (thread != null) {
            try {
                reader.close(); // wakes the blocked poll
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<AutoCloseable> all = new ArrayList<>();
        if (thread == null) all.add(reader);
        all.addAll(links.reversed());
        all.addAll(owned);
        all.add(l7);
        all.add(tcp);
        closeAll(null, all.toArray(AutoCloseable[]::new));
    }

    private static void closeAll(RuntimeException primary, AutoCloseable... things) {
        RuntimeException failure = primary;
        for (AutoCloseable c : things) {
            if (c == null) continue;
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) failure = new IllegalStateException("closing the observer failed", e);
                else failure.addSuppressed(e);
            }
        }
        if (primary == null && failure != null) throw failure;
    }

    /** Options for {@link DatapathObserver}; {@link #start()} loads and attaches. */
    public static final class Builder {
        private EndpointResolver resolver = EndpointResolver.none();
        private int historyCapacity = 4096;
        private FlowMetrics metrics = new FlowMetrics();
        private boolean readerThread = true;
        private int ringBytes;
        private Supplier<BpfObjectSpec> tcpSpec = () -> BpfObjects.open(BpfObjects.OBSERVE_TCP);
        private Supplier<BpfObjectSpec> l7Spec = () -> BpfObjects.open(BpfObjects.OBSERVE_L7);

        private Builder() {}

        /** Who owns which address (default: nobody). */
        public Builder resolver(EndpointResolver resolver) { this.resolver = Objects.requireNonNull(resolver); return this; }

        /** Flows kept for {@code --last} (default 4096). */
        public Builder historyCapacity(int n) { this.historyCapacity = n; return this; }

        /** Metrics to feed (default: a new instance). */
        public Builder metrics(FlowMetrics metrics) { this.metrics = Objects.requireNonNull(metrics); return this; }

        /** Whether to read on an own thread (default) or only when {@link DatapathObserver#poll} is called. */
        public Builder readerThread(boolean own) { this.readerThread = own; return this; }

        /** Ring buffer size in bytes for both buffers (power of two, at least a page; default: the objects' sizes). */
        public Builder ringBytes(int bytes) {
            if (bytes < 4096 || Integer.bitCount(bytes) != 1) throw new IllegalArgumentException("ring buffer size must be a power of two >= 4096: " + bytes);
            this.ringBytes = bytes;
            return this;
        }

        /** Use these object specs instead of the bundled ones (tests, custom builds). */
        public Builder objects(Supplier<BpfObjectSpec> tcp, Supplier<BpfObjectSpec> l7) {
            this.tcpSpec = Objects.requireNonNull(tcp);
            this.l7Spec = Objects.requireNonNull(l7);
            return this;
        }

        /** Loads the programs, attaches the tracepoints and starts reading. */
        public DatapathObserver start() {
            return new DatapathObserver(this);
        }
    }
}
