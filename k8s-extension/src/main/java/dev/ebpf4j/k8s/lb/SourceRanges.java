package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code loadBalancerSourceRanges} each load-balancer IP frontend admits, per Service, and what a change of
 * Services changes in the datapath ({@code lb_src_ranges}, lb_src_ranges.h). A frontend with ranges gets a marker
 * (denied unless a range matches) and one entry per range of its address family; a family with no range denies all.
 */
public final class SourceRanges {
    /**
     * One entry: the frontend's marker ({@code range} empty) or an allowed range.
     *
     * @param frontend a load-balancer IP frontend
     * @param range    an allowed client range, or empty for the marker
     */
    public record Entry(Frontend frontend, Optional<Cidr> range) {}

    /**
     * What to write before a plan (ranges, then markers) and remove after it (markers, then ranges).
     *
     * @param add    entries to put, in order
     * @param remove entries to delete, in order
     */
    public record Changes(List<Entry> add, List<Entry> remove) {
        static final Changes NONE = new Changes(List.of(), List.of());

        /** Whether there is nothing to do. */
        public boolean isEmpty() {
            return add.isEmpty() && remove.isEmpty();
        }
    }

    private final LbConfig config;
    private final Map<ServiceName, Map<Frontend, Set<Cidr>>> current = new HashMap<>();
    private final List<Entry> add = new ArrayList<>(), remove = new ArrayList<>();

    SourceRanges(LbConfig config) {
        this.config = config;
    }

    /** Notes the Service's new state (null: gone). */
    void update(ServiceName name, Service service) {
        Map<Frontend, Set<Cidr>> want = service == null ? Map.of() : wanted(service);
        Map<Frontend, Set<Cidr>> had = current.getOrDefault(name, Map.of());
        for (var e : want.entrySet()) {
            Set<Cidr> old = had.getOrDefault(e.getKey(), Set.of());
            for (Cidr c : e.getValue()) if (!old.contains(c)) add.add(new Entry(e.getKey(), Optional.of(c)));
            if (!had.containsKey(e.getKey())) add.add(new Entry(e.getKey(), Optional.empty()));
        }
        for (var e : had.entrySet()) {
            Set<Cidr> now = want.get(e.getKey());
            if (now == null) remove.add(new Entry(e.getKey(), Optional.empty()));
            for (Cidr c : e.getValue()) if (now == null || !now.contains(c)) remove.add(new Entry(e.getKey(), Optional.of(c)));
        }
        if (want.isEmpty()) current.remove(name); else current.put(name, want);
    }

    Set<ServiceName> services() {
        return current.keySet();
    }

    /** The changes noted since the last call, ordered for a reader that never sees a half-made restriction. */
    Changes drain() {
        if (add.isEmpty() && remove.isEmpty()) return Changes.NONE;
        List<Entry> a = new ArrayList<>(add), r = new ArrayList<>(remove);
        a.sort((x, y) -> Boolean.compare(x.range().isEmpty(), y.range().isEmpty()));  // ranges before markers
        r.sort((x, y) -> Boolean.compare(y.range().isEmpty(), x.range().isEmpty()));  // markers before ranges
        add.clear();
        remove.clear();
        return new Changes(List.copyOf(a), List.copyOf(r));
    }

    /** Queues changes that failed to apply again: puts are upserts and deletes of absent entries are ignored. */
    void retry(Changes failed) {
        add.addAll(0, failed.add());
        remove.addAll(0, failed.remove());
    }

    private Map<Frontend, Set<Cidr>> wanted(Service svc) {
        if (!config.nodePorts() || svc.loadBalancerSourceRanges().isEmpty()) return Map.of();
        Map<Frontend, Set<Cidr>> out = new TreeMap<>();
        for (ServicePort p : svc.ports()) {
            for (InetAddress ip : svc.loadBalancerIps()) {
                Set<Cidr> ranges = new TreeSet<>(java.util.Comparator.comparing(Cidr::toString));
                for (Cidr c : svc.loadBalancerSourceRanges()) {
                    if ((c.network() instanceof Inet6Address) == (ip instanceof Inet6Address)) ranges.add(c);
                }
                out.put(new Frontend(ip, p.port(), p.protocol(), FrontendKind.LOAD_BALANCER), ranges);
            }
        }
        return out;
    }
}
