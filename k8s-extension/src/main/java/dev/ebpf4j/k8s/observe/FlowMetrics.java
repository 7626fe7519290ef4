package dev.ebpf4j.k8s.observe;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Prometheus metrics for the datapath: flows by type and verdict, drops by reason, ring buffer lost events, map fill
 * levels and backends per Service. Counters are fed with {@link #record(Flow)}; the rest are read at scrape time from
 * suppliers the owner registers. Thread-safe.
 */
public final class FlowMetrics {
    /** A map's occupancy at scrape time. */
    public record MapFill(String map, long entries, long maxEntries) {}

    private final Map<FlowType, EnumMap<Verdict, LongAdder>> flows = new EnumMap<>(FlowType.class);
    private final EnumMap<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
    private final Map<String, Supplier<Long>> lost = new ConcurrentHashMap<>();
    private volatile Supplier<List<MapFill>> maps = List::of;
    private volatile Supplier<Map<String, Integer>> backends = Map::of;

    /** Empty metrics. */
    public FlowMetrics() {
        for (FlowType t : FlowType.values()) {
            EnumMap<Verdict, LongAdder> byVerdict = new EnumMap<>(Verdict.class);
            for (Verdict v : Verdict.values()) byVerdict.put(v, new LongAdder());
            flows.put(t, byVerdict);
        }
        for (DropReason r : DropReason.values()) drops.put(r, new LongAdder());
    }

    /** Counts one flow. */
    public void record(Flow f) {
        flows.get(f.type()).get(f.verdict()).increment();
        if (f.verdict() == Verdict.DROPPED) drops.get(f.dropReason()).increment();
    }

    /** Registers the lost-event counter of ring buffer {@code ring} (read at scrape time). */
    public void lostEvents(String ring, Supplier<Long> counter) {
        lost.put(ring, counter);
    }

    /** Sets where map fill levels come from. */
    public void mapFill(Supplier<List<MapFill>> source) {
        this.maps = source;
    }

    /** Sets where backends per Service ({@code namespace/name:port} to count) come from. */
    public void backendsPerService(Supplier<Map<String, Integer>> source) {
        this.backends = source;
    }

    /** Flows counted for {@code type} and {@code verdict}. */
    public long flows(FlowType type, Verdict verdict) {
        return flows.get(type).get(verdict).sum();
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String scrape() {
        StringBuilder b = new StringBuilder(2048);
        header(b, "ebpf4j_flows_total", "counter", "Flows observed, by type and verdict.");
        flows.forEach((type, byVerdict) -> byVerdict.forEach((verdict, n) -> {
            long v = n.sum();
            if (v > 0) line(b, "ebpf4j_flows_total", List.of("type", type.label(), "verdict", verdict.name()), v);
        }));
        header(b, "ebpf4j_drops_total", "counter", "Dropped packets, by reason.");
        drops.forEach((reason, n) -> {
            if (reason != DropReason.NONE) line(b, "ebpf4j_drops_total", List.of("reason", reason.name()), n.sum());
        });
        header(b, "ebpf4j_ringbuf_lost_events_total", "counter", "Events the datapath could not reserve in a full ring buffer.");
        new TreeMap<>(lost).forEach((ring, c) -> line(b, "ebpf4j_ringbuf_lost_events_total", List.of("ring", ring), c.get()));
        List<MapFill> fills = new ArrayList<>(maps.get());
        header(b, "ebpf4j_map_entries", "gauge", "Entries in a BPF map.");
        for (MapFill m : fills) line(b, "ebpf4j_map_entries", List.of("map", m.map()), m.entries());
        header(b, "ebpf4j_map_max_entries", "gauge", "Capacity of a BPF map.");
        for (MapFill m : fills) line(b, "ebpf4j_map_max_entries", List.of("map", m.map()), m.maxEntries());
        header(b, "ebpf4j_map_fill_ratio", "gauge", "Entries divided by capacity.");
        for (MapFill m : fills) {
            b.append("ebpf4j_map_fill_ratio{map=\"").append(escape(m.map())).append("\"} ")
                    .append(m.maxEntries() == 0 ? 0.0 : (double) m.entries() / m.maxEntries()).append('\n');
        }
        header(b, "ebpf4j_service_backends", "gauge", "Backends programmed per Service frontend.");
        new TreeMap<>(backends.get()).forEach((svc, n) -> line(b, "ebpf4j_service_backends", List.of("service", svc), n));
        return b.toString();
    }

    private static void header(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder b, String name, List<String> labels, long value) {
        b.append(name).append('{');
        for (int i = 0; i < labels.size(); i += 2) {
            if (i > 0) b.append(',');
            b.append(labels.get(i)).append("=\"").append(escape(labels.get(i + 1))).append('"');
        }
        b.append("} ").append(value).append('\n');
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
