package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.MapSpec;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The agent's bpffs layout, versioned: {@code PIN_DIR/lb-v1/maps/<map>} for every non-internal map of the LB object
 * and {@code PIN_DIR/lb-v1/links/cgroup-<cgroup id>-<program>} for every link. The version in the directory name is
 * the layout of the map keys and values; a pinned map whose type, key size or value size differs from the object's
 * cannot be adopted and fails with the difference, one whose max entries or flags differ is migrated: a new map is
 * created, the entries copied, the links switched to programs using it, and the pin replaced.
 */
final class PinLayout {
    /** The layout version of the LB maps' keys and values; bump it with any struct change in lb_common.h. */
    static final int LAYOUT_VERSION = 1;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final MethodHandle NEXT_KEY = Native.downcall("bpf_map_get_next_key",
            FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle LOOKUP = Native.downcall("bpf_map_lookup_elem",
            FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle UPDATE = Native.downcall("bpf_map_update_elem",
            FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle OBJ_GET = Native.downcall("bpf_obj_get", FunctionDescriptor.of(INT, ValueLayout.ADDRESS));
    private static final MethodHandle OBJ_PIN = Native.downcall("bpf_obj_pin", FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS));
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(INT, INT));
    private static final long BPF_ANY = 0, BPF_NOEXIST = 1;
    private static final int ENOENT = 2, EEXIST = 17;

    /**
     * What to do with each map at load.
     *
     * @param adopting  maps reused from their pins
     * @param migrating maps whose pins hold a migratable older definition
     */
    record Plan(List<String> adopting, List<String> migrating) {
    }

    private final Path root;
    private final Path maps;
    private final Path links;

    private PinLayout(Path pinDir) {
        this.root = pinDir.resolve("lb-v" + LAYOUT_VERSION);
        this.maps = root.resolve("maps");
        this.links = root.resolve("links");
    }

    static PinLayout open(Path pinDir) {
        requireBpffs(pinDir);
        try (Stream<Path> s = Files.exists(pinDir) ? Files.list(pinDir) : Stream.empty()) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("lb-v") && !n.equals("lb-v" + LAYOUT_VERSION)) {
                    throw new IllegalStateException("pins at " + p + " have map layout version " + n.substring(4)
                            + ", this agent uses layout version " + LAYOUT_VERSION + " and has no converter from it;"
                            + " run the matching agent's --uninstall (or remove " + p + ") first");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pinDir, e);
        }
        PinLayout layout = new PinLayout(pinDir);
        try {
            Files.createDirectories(layout.maps);
            Files.createDirectories(layout.links);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create pin directories under " + pinDir, e);
        }
        return layout;
    }

    private static void requireBpffs(Path pinDir) {
        Path abs = pinDir.toAbsolutePath().normalize();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("bpf") && abs.startsWith(Path.of(f[1]))) return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mounts", e);
        }
        throw new IllegalStateException(pinDir + " is not on a bpffs mount: mount -t bpf bpf /sys/fs/bpf first");
    }

    Path mapPin(String map) {
        return maps.resolve(map);
    }

    Path linkPin(long cgroupId, String program) {
        return links.resolve("cgroup-" + cgroupId + "-" + program);
    }

    /** Checks every existing map pin against the object and sets the pin paths of the maps to adopt or create. */
    Plan prepare(BpfObjectSpec spec) {
        List<String> adopting = new ArrayList<>(), migrating = new ArrayList<>();
        for (MapSpec m : spec.maps()) {
            if (m.internal()) continue;
            Path pin = mapPin(m.name());
            if (!Files.exists(pin)) {
                spec.pinPath(m.name(), pin); // libbpf creates and pins it at load
                continue;
            }
            KernelObjects.MapDefinition d = KernelObjects.pinnedMap(pin);
            List<String> fatal = new ArrayList<>(), soft = new ArrayList<>();
            if (d.type() != m.type().value()) fatal.add("type " + d.type() + " (object has " + m.type().value() + ")");
            if (d.keySize() != m.keySize()) fatal.add("key size " + d.keySize() + " (object has " + m.keySize() + ")");
            if (d.valueSize() != m.valueSize()) fatal.add("value size " + d.valueSize() + " (object has " + m.valueSize() + ")");
            if (d.maxEntries() != m.maxEntries()) soft.add("max entries " + d.maxEntries() + " (object has " + m.maxEntries() + ")");
            if (d.flags() != m.flags()) soft.add("flags 0x" + Integer.toHexString(d.flags()) + " (object has 0x" + Integer.toHexString(m.flags()) + ")");
            if (!fatal.isEmpty()) {
                throw new IllegalStateException("map " + m.name() + " pinned at " + pin + " is incompatible with layout version "
                        + LAYOUT_VERSION + ": " + String.join(", ", fatal) + "; its entries cannot be converted,"
                        + " uninstall the old agent (--uninstall) or remove the pin");
            }
            if (soft.isEmpty()) {
                spec.pinPath(m.name(), pin);
                adopting.add(m.name());
            } else {
                System.getLogger(PinLayout.class.getName()).log(System.Logger.Level.INFO,
                        "migrating map " + m.name() + ": " + String.join(", ", soft));
                migrating.add(m.name());
            }
        }
        return new Plan(List.copyOf(adopting), List.copyOf(migrating));
    }

    /** Copies the pinned maps being migrated into the object's new maps; returns how many maps were migrated. */
    int migrate(Plan plan, BpfObject object) {
        for (String name : plan.migrating()) copy(mapPin(name), object.map(name).fd(), BPF_ANY, name);
        return plan.migrating().size();
    }

    /**
     * After the links run the new programs: copies what the old programs wrote meanwhile (without overwriting what
     * the new ones wrote) and moves the pins to the new maps.
     */
    void commit(Plan plan, BpfObject object) {
        for (String name : plan.migrating()) {
            int fd = object.map(name).fd();
            Path pin = mapPin(name);
            copy(pin, fd, BPF_NOEXIST, name);
            try (Arena arena = Arena.ofConfined()) {
                Files.delete(pin);
                int r = (int) OBJ_PIN.invokeExact(fd, arena.allocateFrom(pin.toString()));
                if (r != 0) throw BpfException.of("pin migrated map " + name + " at " + pin, -r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot replace pin " + pin, e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
        }
    }

    private static void copy(Path from, int toFd, long flags, String name) {
        KernelObjects.MapDefinition d = KernelObjects.pinnedMap(from);
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OBJ_GET.invokeExact(arena.allocateFrom(from.toString()));
            if (fd < 0) throw BpfException.of("open pinned map " + from, -fd);
            try {
                MemorySegment key = arena.allocate(d.keySize(), 8), next = arena.allocate(d.keySize(), 8);
                MemorySegment value = arena.allocate(d.valueSize(), 8);
                MemorySegment prev = MemorySegment.NULL;
                while ((int) NEXT_KEY.invokeExact(fd, prev, next) == 0) {
                    MemorySegment.copy(next, 0, key, 0, d.keySize());
                    prev = key;
                    if ((int) LOOKUP.invokeExact(fd, key, value) != 0) continue; // deleted meanwhile
                    int r = (int) UPDATE.invokeExact(toFd, key, value, flags);
                    if (r != 0 && !(r == -EEXIST && flags == BPF_NOEXIST)) {
                        throw BpfException.of("copy entry of map " + name + " during migration", -r);
                    }
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Removes link pins not in {@code keep}: each link detaches when its last fd closes. */
    void removeLinkPinsExcept(Set<Path> keep) {
        try (Stream<Path> s = Files.list(links)) {
            for (Path p : s.toList()) if (!keep.contains(p)) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + links, e);
        }
    }

    /** Removes every pin under the directory (links first, so nothing runs on half-removed maps), then the directories. */
    static void removeAll(Path pinDir) {
        if (!Files.exists(pinDir)) return;
        try (Stream<Path> s = Files.walk(pinDir)) {
            List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) if (p.getParent() != null && p.getParent().getFileName().toString().equals("links")) Files.deleteIfExists(p);
            for (Path p : all) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove pins under " + pinDir, e);
        }
    }
}
