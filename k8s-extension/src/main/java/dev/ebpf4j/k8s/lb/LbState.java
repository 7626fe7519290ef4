package dev.ebpf4j.k8s.lb;

import java.util.Map;
import java.util.TreeMap;

/**
 * The content of the load-balancer maps, as applied to (or planned for) a datapath. Immutable.
 *
 * @param services service map: frontend to entry
 * @param tables   the live slot table of each service id
 * @param backends backend map: id to backend
 */
public record LbState(Map<Frontend, ServiceEntry> services, Map<Integer, SlotTable> tables, Map<Integer, Backend> backends) {
    /** The empty state of freshly created maps. */
    public static final LbState EMPTY = new LbState(Map.of(), Map.of(), Map.of());

    /** Copies the maps, sorted so that listings and plans are deterministic. */
    public LbState {
        services = java.util.Collections.unmodifiableMap(new TreeMap<>(services));
        tables = java.util.Collections.unmodifiableMap(new TreeMap<>(tables));
        backends = java.util.Collections.unmodifiableMap(new TreeMap<>(backends));
    }
}
