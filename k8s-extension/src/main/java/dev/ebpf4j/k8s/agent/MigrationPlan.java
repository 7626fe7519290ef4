package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.internal.KernelObjects;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.MapSpec;
import dev.ebpf4j.core.MapType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What happens to each map of the object at start, decided before anything is loaded: reuse the pinned map, create
 * it, or create it and fill it from the pinned one (copied as is, converted to a new layout, or, for maps without
 * copyable entries, left empty). Every check that can fail runs here, so a refused upgrade has touched nothing.
 *
 * @param steps one per non-internal map of the object
 */
record MigrationPlan(List<MapStep> steps) {

    /** What to do with one map. */
    enum Action {
        /** reuse the pinned map (same definition, same layout) */
        ADOPT,
        /** no pin: a new, empty map */
        CREATE,
        /** new map (other max entries or flags, or another layout version), entries copied as they are */
        COPY,
        /** new map of the new layout, entries converted */
        CONVERT,
        /** new empty map: the pinned one changed but holds nothing copyable (ring buffer, ...) */
        RECREATE
    }

    /**
     * One map's step.
     *
     * @param map       the map's name
     * @param type      its type
     * @param action    what to do
     * @param source    the pin found (null for {@link Action#CREATE})
     * @param converter for {@link Action#CONVERT}
     */
    record MapStep(String map, MapType type, Action action, Path source, MapConverter converter) {
        /** Whether the object's map is a new one that replaces a pinned one (entries copied or not). */
        boolean replaces() {
            return action == Action.COPY || action == Action.CONVERT || action == Action.RECREATE;
        }
    }

    /**
     * Checks the pins against the object and sets the pin paths libbpf reuses (and, on a fresh start, creates).
     *
     * @throws IllegalStateException naming the map, both layouts and the difference when a pin cannot be adopted,
     *                               converted or recreated, or when no converter path leads from the pins' layout
     */
    static MigrationPlan prepare(PinLayout layout, BpfObjectSpec spec, LayoutMigration migrations) {
        int from = layout.sourceVersion(), to = layout.version();
        Map<String, MapConverter> converters = layout.upgrading() ? migrations.path(from, to) : Map.of();
        Set<String> names = spec.maps().stream().filter(m -> !m.internal()).map(MapSpec::name).collect(Collectors.toSet());
        for (String c : converters.keySet()) {
            if (!names.contains(c)) {
                throw new IllegalStateException("the layout " + from + "->" + to + " converters name map " + c
                        + ", which the layout " + to + " object does not have (its maps: " + names + ")");
            }
        }
        List<MapStep> steps = new ArrayList<>();
        Map<String, Path> pinPaths = new HashMap<>();
        for (MapSpec m : spec.maps()) {
            if (m.internal()) continue;
            Path pin = layout.sourceMapPin(m.name());
            if (!Files.exists(pin)) {
                // A fresh start pins at load (libbpf); an upgrade pins everything at commit, into its staging directory.
                if (!layout.upgrading()) pinPaths.put(m.name(), layout.mapPin(m.name()));
                steps.add(new MapStep(m.name(), m.type(), Action.CREATE, null, null));
                continue;
            }
            MapStep step = step(layout, m, pin, KernelObjects.pinnedMap(pin), converters.get(m.name()));
            if (step.action() == Action.ADOPT) pinPaths.put(m.name(), pin);
            steps.add(step);
        }
        pinPaths.forEach(spec::pinPath);
        return new MigrationPlan(List.copyOf(steps));
    }

    private static MapStep step(PinLayout layout, MapSpec m, Path pin, KernelObjects.MapDefinition d, MapConverter c) {
        int from = layout.sourceVersion(), to = layout.version();
        String where = "map " + m.name() + " pinned at " + pin + " (layout " + from + ") cannot become layout " + to + "'s: ";
        if (d.type() != m.type().value()) {
            throw new IllegalStateException(where + "type " + MapType.of(d.type()) + " (object has " + m.type() + ")");
        }
        boolean sameShape = d.maxEntries() == m.maxEntries() && d.flags() == m.flags();
        if (!MapCopier.copyable(m.type())) {
            if (c != null) throw new IllegalStateException(where + "a converter is registered, but a " + m.type() + " has no entries to convert");
            // Same layout and definition: keep it (a ring buffer keeps its unread records). Else: a new, empty one.
            boolean same = !layout.upgrading() && sameShape && d.keySize() == m.keySize() && d.valueSize() == m.valueSize();
            return new MapStep(m.name(), m.type(), same ? Action.ADOPT : Action.RECREATE, pin, null);
        }
        int oldKey = c == null ? m.keySize() : c.oldKeySize(), oldValue = c == null ? m.valueSize() : c.oldValueSize();
        List<String> pinned = new ArrayList<>();
        if (d.keySize() != oldKey) pinned.add("key size " + d.keySize() + " (" + expected(c, layout) + oldKey + ")");
        if (d.valueSize() != oldValue) pinned.add("value size " + d.valueSize() + " (" + expected(c, layout) + oldValue + ")");
        if (!pinned.isEmpty()) {
            throw new IllegalStateException(where + String.join(", ", pinned) + "; " + (c != null
                    ? "the registered converter does not match the pinned map"
                    : layout.upgrading() ? "no converter from layout " + from + " to " + to + " is registered for " + m.name()
                    : "entries cannot be converted within one layout version (bump PinLayout.LAYOUT_VERSION and register a"
                      + " converter), or uninstall the old agent (--uninstall) or remove the pin"));
        }
        if (c != null && (c.newKeySize() != m.keySize() || c.newValueSize() != m.valueSize())) {
            throw new IllegalStateException(where + "the converter produces " + c.describe() + " but layout " + to
                    + "'s map has key " + m.keySize() + " / value " + m.valueSize() + " bytes");
        }
        if (c != null) return new MapStep(m.name(), m.type(), Action.CONVERT, pin, c);
        // Across layouts even an unchanged map is copied into the new object's own map: libbpf's pin reuse keeps the
        // pinned map's BTF type ids, which name types of the old object's BTF, not of the new one's.
        return new MapStep(m.name(), m.type(), sameShape && !layout.upgrading() ? Action.ADOPT : Action.COPY, pin, null);
    }

    private static String expected(MapConverter c, PinLayout layout) {
        return c != null ? "the converter " + layout.sourceVersion() + "->" + layout.version() + " expects "
                : "object has ";
    }

    /** The actions and their maps, e.g. "CONVERT [lb_sock_rev], ADOPT [lb_services, ...]". */
    String summary() {
        Map<Action, List<String>> by = new java.util.EnumMap<>(Action.class);
        for (MapStep s : steps) by.computeIfAbsent(s.action(), a -> new ArrayList<>()).add(s.map());
        return by.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** The maps with {@code action}. */
    List<String> maps(Action action) {
        return steps.stream().filter(s -> s.action() == action).map(MapStep::map).toList();
    }
}
