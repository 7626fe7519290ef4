package dev.ebpf4j.programs;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/** libc functions the tracing tests call to trigger probes, and where this process's libc is. */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETPID = LINKER.downcallHandle(LINKER.defaultLookup().find("getpid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle GETPPID = LINKER.downcallHandle(LINKER.defaultLookup().find("getppid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));

    private static final MethodHandle GETTID = LINKER.downcallHandle(LINKER.defaultLookup().find("gettid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle GETPGRP = LINKER.downcallHandle(LINKER.defaultLookup().find("getpgrp").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));

    private Libc() {}

    static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int getpgrp() {
        try {
            return (int) GETPGRP.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int getppid() {
        try {
            return (int) GETPPID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The libc mapped into this process, from {@code /proc/self/maps}. */
    static Path path() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .filter(p -> p.matches(".*/libc[.-].*so.*")).findFirst().map(Path::of)
                .orElseThrow(() -> new IllegalStateException("no libc in /proc/self/maps"));
    }

    /** Runs {@code /bin/true} and waits: one exec by a child of this JVM. */
    static void execTrue() throws Exception {
        if (new ProcessBuilder("/bin/true").start().waitFor() != 0) throw new IllegalStateException("/bin/true failed");
    }
}
