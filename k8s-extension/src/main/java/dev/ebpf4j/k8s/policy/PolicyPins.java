package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.MapSpec;
import dev.ebpf4j.k8s.internal.KernelObjects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The policy datapath's bpffs layout: {@code <pin dir>/policy-v1/maps/<map name>} for every map of
 * {@code policy.bpf.c} and {@code <pin dir>/policy-v1/links/tcx-<interface>-<ingress|egress>} for every program
 * attachment. The version is that of the maps' key and value layouts ({@link PolicyMapLayout}); a pinned map of
 * another type, key, value or size is refused with the difference rather than silently replaced.
 */
final class PolicyPins {
    /** The layout version of the policy maps; bump it with any struct change in policy.bpf.c. */
    static final int LAYOUT_VERSION = 1;

    private final Path maps;
    private final Path links;

    private PolicyPins(Path pinDir) {
        Path root = pinDir.resolve("policy-v" + LAYOUT_VERSION);
        maps = root.resolve("maps");
        links = root.resolve("links");
    }

    static PolicyPins open(Path pinDir) {
        PolicyPins pins = new PolicyPins(pinDir);
        try {
            Files.createDirectories(pins.maps);
            Files.createDirectories(pins.links);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create pin directories under " + pinDir, e);
        }
        return pins;
    }

    Path mapPin(String map) {
        return maps.resolve(map);
    }

    Path linkPin(String ifname, String direction) {
        return links.resolve("tcx-" + ifname + "-" + direction);
    }

    /**
     * Points every map of {@code spec} at its pin: libbpf reuses a pinned map, or creates and pins a missing one.
     *
     * @return the names of the maps that will be reused
     * @throws IllegalStateException if a pinned map differs from the object's definition
     */
    List<String> prepare(BpfObjectSpec spec) {
        List<String> adopting = new ArrayList<>();
        for (MapSpec m : spec.maps()) {
            if (m.internal()) continue;
            Path pin = mapPin(m.name());
            if (Files.exists(pin)) {
                KernelObjects.MapDefinition d = KernelObjects.pinnedMap(pin);
                List<String> diff = new ArrayList<>();
                if (d.type() != m.type().value()) diff.add("type " + d.type() + " (object has " + m.type().value() + ")");
                if (d.keySize() != m.keySize()) diff.add("key size " + d.keySize() + " (object has " + m.keySize() + ")");
                if (d.valueSize() != m.valueSize()) diff.add("value size " + d.valueSize() + " (object has " + m.valueSize() + ")");
                if (d.maxEntries() != m.maxEntries()) diff.add("max entries " + d.maxEntries() + " (object has " + m.maxEntries() + ")");
                if (d.flags() != m.flags()) diff.add("flags 0x" + Integer.toHexString(d.flags()) + " (object has 0x" + Integer.toHexString(m.flags()) + ")");
                if (!diff.isEmpty()) {
                    throw new IllegalStateException("policy map " + m.name() + " pinned at " + pin + " does not match this "
                            + "agent's object: " + String.join(", ", diff) + "; uninstall the old agent (--uninstall) or "
                            + "remove " + pin.getParent().getParent() + " (policy is re-written from the cluster state)");
                }
                adopting.add(m.name());
            }
            spec.pinPath(m.name(), pin);
        }
        return List.copyOf(adopting);
    }

    /** @return the link pins present */
    List<Path> linkPins() {
        try (Stream<Path> s = Files.list(links)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + links, e);
        }
    }
}
