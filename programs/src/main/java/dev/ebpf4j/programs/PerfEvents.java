package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;
import dev.ebpf4j.programs.internal.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * perf_event-based attach (tracepoints, kprobes, uprobes): {@code perf_event_open} then a
 * {@code BPF_LINK_TYPE_PERF_EVENT} link (Linux 5.15+) that owns the event.
 */
final class PerfEvents {
    private static final int ATTR_SIZE = 128, PERF_TYPE_TRACEPOINT = 2;
    private static final List<Path> TRACEFS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

    private PerfEvents() {}

    static BpfLink tracepoint(Program program, String category, String name) {
        Path events = TRACEFS.stream().map(p -> p.resolve("events")).filter(Files::isDirectory).findFirst()
                .orElseThrow(() -> NotSupportedException.missing("tracepoint attach", "tracefs (mount -t tracefs tracefs "
                        + "/sys/kernel/tracing)", null));
        Path idFile = events.resolve(category).resolve(name).resolve("id");
        long id;
        try {
            id = Long.parseLong(Files.readString(idFile).trim());
        } catch (IOException e) {
            throw new IllegalArgumentException("no tracepoint " + category + "/" + name + " (" + idFile + " unreadable)", e);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = attr(arena, PERF_TYPE_TRACEPOINT, id);
            return link(program, Libc.perfEventOpen(attr, -1, 0, "perf_event_open tracepoint " + category + "/" + name),
                    "tracepoint " + category + "/" + name);
        }
    }

    /** A kprobe or uprobe through its dynamic PMU: {@code config1} names the function or file, {@code config2} the offset. */
    static BpfLink probe(Program program, String pmu, boolean ret, String target, long offset, int pid) {
        Path dir = Path.of("/sys/bus/event_source/devices", pmu);
        if (!Files.isDirectory(dir)) {
            throw NotSupportedException.missing(pmu + " attach", pmu + "s (CONFIG_" + pmu.toUpperCase() + "_EVENTS)", "4.17");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = attr(arena, readInt(dir.resolve("type")), ret ? 1L << retprobeBit(dir) : 0);
            attr.set(ValueLayout.JAVA_LONG, 56, arena.allocateFrom(target).address()); // config1
            attr.set(ValueLayout.JAVA_LONG, 64, offset);                                // config2
            int fd = Libc.perfEventOpen(attr, pid, pid == -1 ? 0 : -1, "perf_event_open " + pmu + " " + target);
            return link(program, fd, pmu + " " + target);
        }
    }

    private static MemorySegment attr(Arena arena, int type, long config) {
        MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
        attr.set(ValueLayout.JAVA_INT, 0, type);
        attr.set(ValueLayout.JAVA_INT, 4, ATTR_SIZE);
        attr.set(ValueLayout.JAVA_LONG, 8, config);
        attr.set(ValueLayout.JAVA_LONG, 16, 1);  // sample_period
        attr.set(ValueLayout.JAVA_INT, 48, 1);   // wakeup_events
        return attr;
    }

    private static BpfLink link(Program program, int perfFd, String what) {
        int progFd = program.fd();
        int fd = Calls.raw(() -> (int) LinkCalls.LINK_CREATE.invokeExact(progFd, perfFd, AttachType.PERF_EVENT.value(),
                MemorySegment.NULL));
        if (fd < 0) {
            Libc.close(perfFd);
            throw BpfException.of("perf_event link " + program.name() + " to " + what, fd);
        }
        return new BpfLink(fd, perfFd);
    }

    private static int retprobeBit(Path pmuDir) {
        try {
            String format = Files.readString(pmuDir.resolve("format/retprobe")).trim(); // "config:0"
            return Integer.parseInt(format.substring(format.indexOf(':') + 1));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static int readInt(Path file) {
        try {
            return Integer.parseInt(Files.readString(file).trim());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
