package dev.ebpf4j.programs;

import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.testkit.TestCgroup;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fails a test class that leaves kernel state behind: a live program loaded from our test BPF sources (something, a
 * link, a pin, an fd, still holds it), a bpffs pin, a network namespace or a cgroup with our test prefixes. Other
 * processes' programs on the machine are ignored: only our test programs' names are looked for.
 */
public final class KernelLeakCheck implements AfterAllCallback {
    private static final MethodHandle NEXT_ID = Native.downcall("bpf_prog_get_next_id",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle FD_BY_ID = Native.downcall("bpf_prog_get_fd_by_id",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle INFO = Native.downcall("bpf_obj_get_info_by_fd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final String[] SOURCES = {"xdp_count", "tc", "sock", "sockaddr", "tracing", "kprobes", "kprobe_multi", "fentry", "iter", "iter_map", "netfilter", "uprobe_multi", "tcp_cc", "netkit"};

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<String> leaks = new ArrayList<>();
        Set<String> ours = testProgramNames();
        // Programs are freed when their last reference goes; links may drop theirs from a workqueue.
        List<String> live = List.of();
        for (int attempt = 0; attempt < 20; attempt++) {
            live = livePrograms().stream().filter(ours::contains).toList();
            if (live.isEmpty()) break;
            Thread.sleep(100);
        }
        if (!live.isEmpty()) leaks.add("programs still loaded " + live);
        if (Files.isDirectory(Path.of("/sys/fs/bpf"))) {
            try (Stream<Path> pins = Files.list(Path.of("/sys/fs/bpf"))) {
                pins.filter(p -> p.getFileName().toString().startsWith("e4j-prog")).forEach(p -> leaks.add("pin " + p));
            }
        }
        Topology.leftoverNamespaces("e4jp").forEach(n -> leaks.add("netns " + n));
        try (Stream<Path> groups = Files.list(TestCgroup.root())) {
            groups.filter(p -> p.getFileName().toString().startsWith("e4j-prog")).forEach(p -> leaks.add("cgroup " + p));
        }
        if (!leaks.isEmpty()) throw new AssertionError(context.getDisplayName() + " left kernel state behind: " + leaks);
    }

    /** Function names after each {@code SEC(...)} in our test sources, truncated as the kernel stores them. */
    static Set<String> testProgramNames() throws IOException {
        Set<String> names = new HashSet<>();
        Pattern fn = Pattern.compile("SEC\\(\"[^\"]*\"\\)\\s*int\\s+(?:BPF_\\w+\\()?(\\w+)");
        for (String source : SOURCES) {
            try (InputStream in = KernelLeakCheck.class.getResourceAsStream("/bpf/" + source + ".bpf.c")) {
                Matcher m = fn.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (m.find()) names.add(m.group(1).length() > 15 ? m.group(1).substring(0, 15) : m.group(1));
            }
        }
        names.remove("foreign_drop"); // tc loads it, and the namespace's deletion frees it
        return names;
    }

    private static List<String> livePrograms() {
        try {
            return listPrograms();
        } catch (Throwable t) {
            throw new AssertionError("cannot list kernel programs", t);
        }
    }

    private static List<String> listPrograms() throws Throwable {
        List<String> names = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment next = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment info = arena.allocate(256, 8);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            int id = 0;
            while ((int) NEXT_ID.invokeExact(id, next) == 0) {
                id = next.get(ValueLayout.JAVA_INT, 0);
                int fd = (int) FD_BY_ID.invokeExact(id);
                if (fd < 0) continue; // freed meanwhile
                try {
                    info.fill((byte) 0);
                    len.set(ValueLayout.JAVA_INT, 0, 256);
                    if ((int) INFO.invokeExact(fd, info, len) == 0) names.add(info.asSlice(64, 16).getString(0));
                } finally {
                    dev.ebpf4j.programs.internal.Libc.close(fd);
                }
            }
        }
        return names;
    }
}
