package dev.ebpf4j.k8s.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The agent's bpffs layout, versioned: {@code PIN_DIR/lb-vN/maps/<map>} for every non-internal map of the LB object
 * and {@code PIN_DIR/lb-vN/links/cgroup-<cgroup id>-<program>} for every link, where N is the layout version of the
 * map keys and values; {@code PIN_DIR/lb-vN/programs/cgroup-<cgroup id>-<program>} is the program that link runs, so
 * that a successor can hold it (for switching back) with CAP_BPF alone: opening a program by id needs CAP_SYS_ADMIN,
 * which the DaemonSet does not grant. Pins of an older version are the source of an upgrade ({@link DatapathInstall}); its new pins
 * are built under {@code lb-vN-staging} (bpffs refuses dots in names) and renamed to {@code lb-vN} in one step, so a
 * directory {@code lb-vN} is always complete: a staging directory found at start is the remains of an interrupted
 * upgrade (removed; the old version's pins still serve), and an older directory beside the current one the remains of
 * an interrupted cleanup (removed).
 */
final class PinLayout {
    /** The layout version of the LB maps' keys and values; bump it with any struct change in lb_*.h. */
    static final int LAYOUT_VERSION = 1;
    private static final Pattern VERSION_DIR = Pattern.compile("lb-v(\\d+)");
    private static final System.Logger LOG = System.getLogger(PinLayout.class.getName());

    private final Path pinDir;
    private final int version;
    private final Path root;
    private final Optional<Path> older;
    private final int olderVersion;

    private PinLayout(Path pinDir, int version, Optional<Path> older, int olderVersion) {
        this.pinDir = pinDir;
        this.version = version;
        this.root = pinDir.resolve("lb-v" + version);
        this.older = older;
        this.olderVersion = olderVersion;
    }

    /**
     * Reads the pin directory for an agent of layout {@code version}, clearing the remains of interrupted upgrades.
     *
     * @throws IllegalStateException when the pins are of a newer layout (downgrades are not supported)
     */
    static PinLayout open(Path pinDir, int version) {
        requireBpffs(pinDir);
        TreeSet<Integer> versions = new TreeSet<>();
        try (Stream<Path> s = Files.exists(pinDir) ? Files.list(pinDir) : Stream.empty()) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                Matcher m = VERSION_DIR.matcher(n);
                if (m.matches()) {
                    versions.add(Integer.parseInt(m.group(1)));
                } else if (n.startsWith("lb-v") && n.endsWith("-staging")) {
                    LOG.log(System.Logger.Level.WARNING, "removing " + p + ", left by an interrupted upgrade");
                    removeTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pinDir, e);
        }
        if (!versions.isEmpty() && versions.last() > version) {
            Path newer = pinDir.resolve("lb-v" + versions.last());
            throw new IllegalStateException("pins at " + newer + " have map layout version " + versions.last()
                    + ", newer than this agent's layout version " + version + "; downgrades are not supported:"
                    + " run the newer agent's --uninstall (or remove " + newer + ") first");
        }
        // The current version's directory appears only complete; anything older beside it, or below the newest older
        // one, is what an interrupted cleanup left.
        int source = versions.contains(version) ? -1 : versions.isEmpty() ? -1 : versions.last();
        for (int v : versions) {
            if (v != version && v != source) {
                LOG.log(System.Logger.Level.WARNING, "removing pins of layout " + v + ", left by an interrupted upgrade");
                removeTree(pinDir.resolve("lb-v" + v));
            }
        }
        PinLayout layout = source < 0 ? new PinLayout(pinDir, version, Optional.empty(), version)
                : new PinLayout(pinDir, version, Optional.of(pinDir.resolve("lb-v" + source)), source);
        if (!layout.upgrading()) {
            try {
                Files.createDirectories(layout.root.resolve("maps"));
                Files.createDirectories(layout.root.resolve("links"));
                Files.createDirectories(layout.root.resolve("programs"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create pin directories under " + pinDir, e);
            }
        }
        return layout;
    }

    /** Fails unless {@code pinDir} is on a bpffs mount (checked before anything is created there). */
    static void requireBpffs(Path pinDir) {
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

    /** Whether the pins are of an older layout, to migrate from. */
    boolean upgrading() {
        return older.isPresent();
    }

    /** This agent's layout version. */
    int version() {
        return version;
    }

    /** The layout version of the pins found (this agent's when not {@link #upgrading()}). */
    int sourceVersion() {
        return olderVersion;
    }

    /** This version's directory. */
    Path root() {
        return root;
    }

    /** Where an upgrade builds this version's pins before renaming them to {@link #root()}. */
    Path staging() {
        return pinDir.resolve("lb-v" + version + "-staging");
    }

    /** The directory holding the pins found (the older version's when upgrading). */
    Path sourceRoot() {
        return older.orElse(root);
    }

    /** Where the map's pin is in this version's layout. */
    Path mapPin(String map) {
        return root.resolve("maps").resolve(map);
    }

    /** Where the map's pin was found (or would be). */
    Path sourceMapPin(String map) {
        return sourceRoot().resolve("maps").resolve(map);
    }

    /** Where a link's pin is in this version's layout. */
    Path linkPin(long cgroupId, String program) {
        return root.resolve("links").resolve(linkName(cgroupId, program));
    }

    /** Where a link's pin was found (or would be). */
    Path sourceLinkPin(long cgroupId, String program) {
        return sourceRoot().resolve("links").resolve(linkName(cgroupId, program));
    }

    /** Where the program a link runs is pinned in this version's layout. */
    Path programPin(long cgroupId, String program) {
        return root.resolve("programs").resolve(linkName(cgroupId, program));
    }

    /** Where the program the found link runs was pinned (or would be; layouts pinned before 0.1 have none). */
    Path sourceProgramPin(long cgroupId, String program) {
        return sourceRoot().resolve("programs").resolve(linkName(cgroupId, program));
    }

    static String linkName(long cgroupId, String program) {
        return "cgroup-" + cgroupId + "-" + program;
    }

    /** Removes link pins of this version not in {@code keep}: each link detaches when its last fd closes. */
    void removeLinkPinsExcept(Set<Path> keep) {
        removePinsExcept(root.resolve("links"), keep);
    }

    /** Removes program pins of this version not in {@code keep} (programs no link of this layout runs). */
    void removeProgramPinsExcept(Set<Path> keep) {
        removePinsExcept(root.resolve("programs"), keep);
    }

    private static void removePinsExcept(Path dir, Set<Path> keep) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) if (!keep.contains(p)) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }

    /** Removes every pin under the directory (links first, so nothing runs on half-removed maps), then the directories. */
    static void removeAll(Path pinDir) {
        removeTree(pinDir);
    }

    /** Removes a directory tree of pins, link pins first. */
    static void removeTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) if (p.getParent() != null && p.getParent().getFileName().toString().equals("links")) Files.deleteIfExists(p);
            for (Path p : all) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove pins under " + dir, e);
        }
    }
}
