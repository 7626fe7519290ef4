package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.PutMode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel datapath: applies plans to the {@code lb_services}, {@code lb_slots}, {@code lb_maglev} and
 * {@code lb_backends} maps of a loaded {@code lb_sock.bpf.o} or {@code lb_nodeport.bpf.o} through the typed maps
 * API, one batched map operation per step (chunks of 256 elements), in plan order.
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
    private boolean closed;

    private KernelLbDatapath(MapHandle services, MapHandle slots, MapHandle maglev, MapHandle backends) {
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
                object.map(LbMapCodec.MAGLEV), object.map(LbMapCodec.BACKENDS));
    }

    @Override
    public void apply(UpdatePlan plan) {
        if (closed) throw new IllegalStateException("datapath is closed");
        for (UpdatePlan.Step step : plan.steps()) {
            switch (step) {
                case UpdatePlan.PutBackends s -> {
                    Map<Integer, LbMapCodec.BackendValue> m = new LinkedHashMap<>();
                    for (Backend b : s.backends()) m.put(b.id(), LbMapCodec.backendValue(b));
                    backends.putAll(m, PutMode.ANY);
                }
                case UpdatePlan.PutTables s -> {
                    Map<LbMapCodec.SlotKey, Integer> slotWrites = new LinkedHashMap<>();
                    Map<LbMapCodec.SlotKey, Integer> maglevWrites = new LinkedHashMap<>();
                    for (SlotTable t : s.tables()) {
                        for (int i = 0; i < t.count(); i++) {
                            slotWrites.put(LbMapCodec.slotKey(t.serviceId(), t.revision(), i), t.slot(i));
                        }
                        for (int i = 0; i < t.maglevSize(); i++) {
                            maglevWrites.put(LbMapCodec.slotKey(t.serviceId(), t.revision(), i), t.maglevEntry(i));
                        }
                    }
                    if (!slotWrites.isEmpty()) slots.putAll(slotWrites, PutMode.ANY);
                    if (!maglevWrites.isEmpty()) maglev.putAll(maglevWrites, PutMode.ANY);
                }
                case UpdatePlan.PutServices s -> {
                    Map<LbMapCodec.SvcKey, LbMapCodec.Svc> m = new LinkedHashMap<>();
                    for (var w : s.services()) m.put(LbMapCodec.serviceKey(w.frontend()), LbMapCodec.serviceValue(w.entry()));
                    services.putAll(m, PutMode.ANY);
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
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        services.close();
        slots.close();
        maglev.close();
        backends.close();
    }
}
