package dev.ebpf4j.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Fails a test class that leaves file descriptors open: compares {@code /proc/self/fd} before and after the class
 * and names what each leaked fd points to (such as {@code anon_inode:bpf-map}).
 *
 * {@snippet :
 * @ExtendWith(FdLeakCheck.class)
 * class MyMapTest { ... }
 * }
 */
public final class FdLeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FdLeakCheck.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("fds", openFds());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Map<Integer, String> before = context.getStore(NS).get("fds", Map.class);
        Map<Integer, String> leaked = leakedSince(before);
        if (!leaked.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " leaked " + leaked.size() + " file descriptor(s): " + leaked);
        }
    }

    /** Fds open now that were not open (or pointed elsewhere) in {@code before}, ignoring the JVM's own churn (jar files, pipes, sockets to the build). */
    public static Map<Integer, String> leakedSince(Map<Integer, String> before) {
        Map<Integer, String> after = openFds();
        Map<Integer, String> leaked = new TreeMap<>();
        after.forEach((fd, target) -> {
            if (!target.equals(before.get(fd)) && isKernelObject(target)) leaked.put(fd, target);
        });
        return leaked;
    }

    /** eBPF objects, netlink and perf fds, namespaces: what our code opens and must close. */
    static boolean isKernelObject(String target) {
        return target.startsWith("anon_inode:") || target.startsWith("net:") || target.contains("/sys/fs/bpf")
                || target.contains("/run/netns") || target.contains("cgroup");
    }

    /** Every open fd of this process and what it points to. */
    public static Map<Integer, String> openFds() {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            entries.forEach(p -> {
                try {
                    fds.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException | NumberFormatException e) {
                    // the fd used to list the directory is gone by now
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return fds;
    }
}
