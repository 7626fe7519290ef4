package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.PutMode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel datapath: applies plans to the {@code lb_services}, {@code lb_slots}, {@code lb_maglev} and
 * {@code lb_backends} maps of a loaded {@code lb_sock.bpf.o} or {@code lb_nodeport.bpf.o} through the typed maps
 * API, one batched map operation per step (chunks of 256 elements), in plan order; in a large plan (a full sync)
 * the backend and table writes, which nothing can see before the service entries flip, overlap on two threads.
 *
 * {@snippet :
 * try (BpfObject obj = BpfObject.open(Path.of("lb_sock.bpf.o")).load();
 *      KernelLbDatapath datapath = KernelLbDatapath.of(obj)) {
 *     new LbController(LbConfig.forNode("node-1"), datapath).sync(snapshot);
 * }
 * }
 * Not thread-safe; {@link LbController} serializes its syncs. The maps stay owned by the object: closing this
 * datapath only drops its views.
 */
public final class KernelLbDatapath implements LbDatapath {
    private final BpfHashMap<LbMapCodec.SvcKey, LbMapCodec.Svc> services;
    private final BpfHashMap<LbMapCodec.SlotKey, Integer> slots;
    private final BpfHashMap<LbMapCodec.SlotKey, Integer> maglev;
    private final BpfHashMap<Integer, LbMapCodec.BackendValue> backends;
    private final dev.ebpf4j.maps.LpmTrieMap<LbMapCodec.SrcRangeKey, Byte> sourceRanges; // null in objects without it
    private java.util.concurrent.ExecutorService writer;
    private boolean closed;

    private KernelLbDatapath(MapHandle services, MapHandle slots, MapHandle maglev, MapHandle backends, MapHandle sourceRanges) {
        this.sourceRanges = sourceRanges == null ? null
                : dev.ebpf4j.maps.LpmTrieMap.of(sourceRanges, LbMapCodec.SRC_RANGE_KEY, dev.ebpf4j.maps.codec.Codec.of(Byte.class));
        this.services = BpfHashMap.of(services, LbMapCodec.SVC_KEY, LbMapCodec.SVC);
        this.slots = BpfHashMap.of(slots, LbMapCodec.SLOT_KEY, LbMapCodec.ID);
        this.maglev = BpfHashMap.of(maglev, LbMapCodec.SLOT_KEY, LbMapCodec.ID);
        this.backends = BpfHashMap.of(backends, LbMapCodec.ID, LbMapCodec.BACKEND);
    }

    /**
     * A datapath over the LB maps of a loaded object.
     *
     * @throws IllegalArgumentException when the object lacks one of the maps or their layout differs
     */
    public static KernelLbDatapath of(BpfObject object) {
        return new KernelLbDatapath(object.map(LbMapCodec.SERVICES), object.map(LbMapCodec.SLOTS),
                object.map(LbMapCodec.MAGLEV), object.map(LbMapCodec.BACKENDS),
                object.maps().stream().anyMatch(m -> m.name().equals(LbMapCodec.SRC_RANGES)) ? object.map(LbMapCodec.SRC_RANGES) : null);
    }

    @Override
    public void sourceRanges(java.util.List<SourceRanges.Entry> entries, boolean remove) {
        if (entries.isEmpty()) return;
        if (closed) throw new IllegalStateException("datapath is closed");
        if (sourceRanges == null) throw new UnsupportedOperationException("this LB object has no lb_src_ranges map");
        for (SourceRanges.Entry e : entries) { // in order: the reader must never see a marker without its ranges
            var key = LbMapCodec.sourceRangeKey(e.frontend(), e.range());
            if (remove) sourceRanges.remove(key);
            else sourceRanges.put(key, e.range().isPresent() ? LbMapCodec.SRC_ALLOWED : LbMapCodec.SRC_RESTRICTED);
        }
    }

    @Override
    public void apply(UpdatePlan plan) {
        if (closed) throw new IllegalStateException("datapath is closed");
        List<UpdatePlan.Step> steps = plan.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof UpdatePlan.PutBackends b && i + 1 < steps.size()
                    && steps.get(i + 1) instanceof UpdatePlan.PutTables t && b.operations() + t.operations() >= PARALLEL_WRITES) {
                // New tables are invisible until the service entries flip to them, so the two steps may overlap.
                writeConcurrently(b, t);
                i++;
                continue;
            }
            write(steps.get(i));
        }
    }

    /** Large plans (a full sync) write backends and tables on two threads: the kernel inserts are the cost. */
    private static final int PARALLEL_WRITES = 8192;

    private void writeConcurrently(UpdatePlan.Step first, UpdatePlan.Step second) {
        if (writer == null) {
            writer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon()
                    .name("ebpf4j-lb-map-writer").unstarted(r));
        }
        var other = java.util.concurrent.CompletableFuture.runAsync(() -> write(second), writer);
        RuntimeException failure = null;
        try {
            write(first);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            other.join();
        } catch (java.util.concurrent.CompletionException e) {
            RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
            if (failure == null) failure = cause; else failure.addSuppressed(cause);
        }
        if (failure != null) throw failure;
    }

    private void write(UpdatePlan.Step step) {
        switch (step) {
            case UpdatePlan.PutBackends s -> {
                List<Integer> ids = new ArrayList<>(s.backends().size());
                List<LbMapCodec.BackendValue> values = new ArrayList<>(s.backends().size());
                for (Backend b : s.backends()) {
                    ids.add(b.id());
                    values.add(LbMapCodec.backendValue(b));
                }
                backends.putAll(ids, values, PutMode.ANY);
            }
            case UpdatePlan.PutTables s -> {
                List<LbMapCodec.SlotKey> slotKeys = new ArrayList<>(), maglevKeys = new ArrayList<>();
                List<Integer> slotIds = new ArrayList<>(), maglevIds = new ArrayList<>();
                for (SlotTable t : s.tables()) {
                    for (int i = 0; i < t.count(); i++) {
                        slotKeys.add(LbMapCodec.slotKey(t.serviceId(), t.revision(), i));
                        slotIds.add(t.slot(i));
                    }
                    for (int i = 0; i < t.maglevSize(); i++) {
                        maglevKeys.add(LbMapCodec.slotKey(t.serviceId(), t.revision(), i));
                        maglevIds.add(t.maglevEntry(i));
                    }
                }
                if (!slotKeys.isEmpty()) slots.putAll(slotKeys, slotIds, PutMode.ANY);
                if (!maglevKeys.isEmpty()) maglev.putAll(maglevKeys, maglevIds, PutMode.ANY);
            }
            case UpdatePlan.PutServices s -> {
                List<LbMapCodec.SvcKey> keys = new ArrayList<>(s.services().size());
                List<LbMapCodec.Svc> values = new ArrayList<>(s.services().size());
                for (var w : s.services()) {
                    keys.add(LbMapCodec.serviceKey(w.frontend()));
                    values.add(LbMapCodec.serviceValue(w.entry()));
                }
                services.putAll(keys, values, PutMode.ANY);
            }
            case UpdatePlan.DeleteServices s ->
                    services.removeAll(s.frontends().stream().map(LbMapCodec::serviceKey).toList());
            case UpdatePlan.DeleteTables s -> {
                List<LbMapCodec.SlotKey> slotKeys = new ArrayList<>();
                List<LbMapCodec.SlotKey> maglevKeys = new ArrayList<>();
                for (SlotTable t : s.tables()) {
                    for (int i = 0; i < t.count(); i++) slotKeys.add(LbMapCodec.slotKey(t.serviceId(), t.revision(), i));
                    for (int i = 0; i < t.maglevSize(); i++) maglevKeys.add(LbMapCodec.slotKey(t.serviceId(), t.revision(), i));
                }
                if (!slotKeys.isEmpty()) slots.removeAll(slotKeys);
                if (!maglevKeys.isEmpty()) maglev.removeAll(maglevKeys);
            }
            case UpdatePlan.DeleteBackends s ->
                    backends.removeAll(s.ids());
        }
    }

    /**
     * Reads the state the maps hold (maps pinned by an earlier run, say) so that a new {@link LbController} can plan
     * from it, and deletes slot and Maglev entries that no service points at: tables a run wrote but never switched
     * to, or stopped using but did not delete, before it died. Control-plane-only fields the maps do not store
     * (Service name, port name, frontend kind) are placeholders: the first sync rewrites each service entry with the
     * same map value.
     */
    public LbState adopt() {
        if (closed) throw new IllegalStateException("datapath is closed");
        Map<Frontend, ServiceEntry> svc = new LinkedHashMap<>();
        Map<Integer, LbMapCodec.Svc> live = new HashMap<>();
        for (var e : services.entries()) {
            Frontend f = LbMapCodec.frontend(e.getKey());
            LbMapCodec.Svc v = e.getValue();
            svc.put(f, new ServiceEntry(v.id(), v.rev(), v.count(), v.maglevSize(), v.affinityTimeout(), v.flags(),
                    ADOPTED, "adopted"));
            live.put(v.id(), v);
        }
        Map<Integer, int[]> slotTables = new HashMap<>();
        Map<Integer, int[]> maglevTables = new HashMap<>();
        List<LbMapCodec.SlotKey> orphanSlots = collect(slots, live, true, slotTables);
        List<LbMapCodec.SlotKey> orphanMaglev = collect(maglev, live, false, maglevTables);
        if (!orphanSlots.isEmpty()) slots.removeAll(orphanSlots);
        if (!orphanMaglev.isEmpty()) maglev.removeAll(orphanMaglev);
        Map<Integer, SlotTable> tables = new HashMap<>();
        for (LbMapCodec.Svc v : live.values()) {
            tables.put(v.id(), new SlotTable(v.id(), v.rev(), slotTables.getOrDefault(v.id(), new int[v.count()]),
                    maglevTables.getOrDefault(v.id(), new int[v.maglevSize()])));
        }
        Map<Integer, Backend> bes = new HashMap<>();
        for (var e : backends.entries()) bes.put(e.getKey(), LbMapCodec.backend(e.getKey(), e.getValue()));
        return new LbState(svc, tables, bes);
    }

    private static final dev.ebpf4j.k8s.model.ServiceName ADOPTED = new dev.ebpf4j.k8s.model.ServiceName("ebpf4j-adopted", "unknown");

    /** Fills the live revision's table of each service from {@code map}; returns the keys of other revisions. */
    private static List<LbMapCodec.SlotKey> collect(BpfHashMap<LbMapCodec.SlotKey, Integer> map,
                                                   Map<Integer, LbMapCodec.Svc> live, boolean slotMap,
                                                   Map<Integer, int[]> tables) {
        List<LbMapCodec.SlotKey> orphans = new ArrayList<>();
        for (var e : map.entries()) {
            LbMapCodec.SlotKey k = e.getKey();
            LbMapCodec.Svc v = live.get(k.svcId());
            int size = v == null ? 0 : slotMap ? v.count() : v.maglevSize();
            if (v == null || v.rev() != k.rev() || k.index() < 0 || k.index() >= size) {
                orphans.add(k);
                continue;
            }
            tables.computeIfAbsent(k.svcId(), id -> new int[size])[k.index()] = e.getValue();
        }
        return orphans;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (writer != null) writer.shutdownNow();
        services.close();
        slots.close();
        maglev.close();
        backends.close();
        if (sourceRanges != null) sourceRanges.close();
    }
}
