package dev.ebpf4j.stress;

import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.Topology;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the kernel and /proc say exists, independent of ebpf4j's own bookkeeping: program, map and link ids walked
 * with libbpf's {@code bpf_*_get_next_id}, this process's fds, bpffs entries and network namespaces. Other processes
 * on the machine load programs too, so only objects whose names carry our prefixes are counted.
 */
final class KernelListing {
    private static final FunctionDescriptor NEXT = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final FunctionDescriptor BY_ID = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle PROG_NEXT = Native.downcall("bpf_prog_get_next_id", NEXT);
    private static final MethodHandle MAP_NEXT = Native.downcall("bpf_map_get_next_id", NEXT);
    private static final MethodHandle LINK_NEXT = Native.downcall("bpf_link_get_next_id", NEXT);
    private static final MethodHandle PROG_FD = Native.downcall("bpf_prog_get_fd_by_id", BY_ID);
    private static final MethodHandle MAP_FD = Native.downcall("bpf_map_get_fd_by_id", BY_ID);
    private static final MethodHandle LINK_FD = Native.downcall("bpf_link_get_fd_by_id", BY_ID);
    private static final MethodHandle INFO = Native.downcall("bpf_obj_get_info_by_fd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** Kernel-side names are cut to 15 characters; these prefixes fit in that. */
    static final List<String> PREFIXES = List.of("st_", "e4jst");

    private KernelListing() {}

    /** A snapshot of everything a leak would show up in. */
    record Snapshot(Set<String> programs, Set<String> maps, Set<String> links, Map<Integer, String> fds, Set<String> pins,
                    List<String> namespaces) {
        /** What {@code after} has that this snapshot had not, as readable lines (empty: no leak). */
        List<String> leaksIn(Snapshot after) {
            List<String> leaks = new ArrayList<>();
            after.programs.stream().filter(p -> !programs.contains(p)).forEach(p -> leaks.add("program " + p));
            after.maps.stream().filter(m -> !maps.contains(m)).forEach(m -> leaks.add("map " + m));
            after.links.stream().filter(l -> !links.contains(l)).forEach(l -> leaks.add("link " + l));
            after.fds.forEach((fd, target) -> { if (!fds.containsKey(fd)) leaks.add("fd " + fd + " -> " + target); });
            after.pins.stream().filter(p -> !pins.contains(p)).forEach(p -> leaks.add("pin " + p));
            after.namespaces.stream().filter(n -> !namespaces.contains(n)).forEach(n -> leaks.add("netns " + n));
            return leaks;
        }
    }

    static Snapshot snapshot() {
        return new Snapshot(programs(), maps(), links(), FdLeakCheck.openFds(), pins(), Topology.leftoverNamespaces("e4jst"));
    }

    /**
     * With {@code program} null, {@link #snapshot()}; else only the programs of that name and their links (for cycles
     * that run beside other work, whose maps and fds cannot be told apart).
     */
    static Snapshot snapshot(String program) {
        if (program == null) return snapshot();
        Set<String> progs = new TreeSet<>();
        for (String p : programs()) if (p.endsWith(":" + program)) progs.add(p);
        Set<String> ids = new TreeSet<>();
        for (String p : progs) ids.add(p.substring(0, p.indexOf(':')));
        Set<String> links = new TreeSet<>();
        for (String l : links()) if (ids.contains(l.substring(l.lastIndexOf(':') + 1))) links.add(l);
        return new Snapshot(progs, Set.of(), links, Map.of(), Set.of(), List.of());
    }

    /**
     * The leaks since {@code before}, waiting up to 30 s for the kernel: a closed link drops its program from a
     * workqueue and map/program frees go through RCU and a workqueue, so ids stay visible for a while after the last
     * fd closes (on a loaded 2-core machine, seconds). How long the kernel took is printed when it was over 1 s.
     */
    static List<String> leaksSince(Snapshot before) throws InterruptedException {
        return leaksSince(before, null);
    }

    /** Like {@link #leaksSince(Snapshot)}, comparing a {@link #snapshot(String) program-scoped} snapshot. */
    static List<String> leaksSince(Snapshot before, String program) throws InterruptedException {
        long start = System.nanoTime();
        List<String> leaks = before.leaksIn(snapshot(program));
        int lingering = leaks.size();
        while (!leaks.isEmpty() && System.nanoTime() - start < 30_000_000_000L) {
            Thread.sleep(100);
            leaks = before.leaksIn(snapshot(program));
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (ms > 1000) System.out.printf("  (kernel freed %d lingering objects within %d ms)%n", lingering, ms);
        return leaks;
    }

    /** Our live programs as "id:name". */
    static Set<String> programs() {
        return walk(PROG_NEXT, PROG_FD, 64, true);
    }

    /** Our live maps as "id:name". */
    static Set<String> maps() {
        return walk(MAP_NEXT, MAP_FD, 24, true);
    }

    /** Live links whose program is one of ours, as "id:type:progId". */
    static Set<String> links() {
        Set<String> ours = new TreeSet<>();
        Set<String> progIds = new TreeSet<>();
        for (String p : programs()) progIds.add(p.substring(0, p.indexOf(':')));
        for (String l : walk(LINK_NEXT, LINK_FD, -1, false)) {
            if (progIds.contains(l.substring(l.lastIndexOf(':') + 1))) ours.add(l);
        }
        return ours;
    }

    /** Entries of bpffs (where mounted) with our prefix. */
    static Set<String> pins() {
        Set<String> pins = new TreeSet<>();
        Path bpffs = Path.of("/sys/fs/bpf");
        if (!Files.isDirectory(bpffs)) return pins;
        try (Stream<Path> s = Files.list(bpffs)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("e4jst")).forEach(pins::add);
        } catch (IOException e) {
            throw new AssertionError("cannot list " + bpffs, e);
        }
        return pins;
    }

    /**
     * Walks ids; for programs and maps reads the name at {@code nameOffset} of the info struct and keeps ours, for links
     * ({@code nameOffset} -1) returns every link as "id:type:progId".
     */
    private static Set<String> walk(MethodHandle next, MethodHandle byId, int nameOffset, boolean filter) {
        Set<String> out = new TreeSet<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nextId = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment info = arena.allocate(512, 8);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            int id = 0;
            while ((int) next.invokeExact(id, nextId) == 0) {
                id = nextId.get(ValueLayout.JAVA_INT, 0);
                int fd = (int) byId.invokeExact(id);
                if (fd < 0) continue; // freed between the two calls
                try {
                    info.fill((byte) 0);
                    len.set(ValueLayout.JAVA_INT, 0, 512);
                    if ((int) INFO.invokeExact(fd, info, len) != 0) continue;
                    if (nameOffset < 0) {
                        out.add(id + ":" + info.get(ValueLayout.JAVA_INT, 0) + ":" + info.get(ValueLayout.JAVA_INT, 8));
                    } else {
                        String name = info.asSlice(nameOffset, 16).getString(0);
                        if (!filter || PREFIXES.stream().anyMatch(name::startsWith)) out.add(id + ":" + name);
                    }
                } finally {
                    int ignored = (int) CLOSE.invokeExact(fd);
                }
            }
        } catch (Throwable t) {
            throw new AssertionError("cannot walk kernel ids", t);
        }
        return out;
    }
}
