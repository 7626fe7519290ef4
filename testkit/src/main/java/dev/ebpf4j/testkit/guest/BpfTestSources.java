package dev.ebpf4j.testkit.guest;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Finds a module's BPF test sources ({@code <module>/src/test/bpf/NAME}) from a test class, whatever the working
 * directory: a guest run executes the tests of several modules in one JVM, so {@code Path.of("src/test/bpf/x.bpf.c")}
 * only works for the module the JVM happens to start in.
 *
 * {@snippet :
 * Path src = BpfTestSources.locate(KprobeGuestIT.class, "kprobe.bpf.c");
 * BpfBuilder.create().compile(src, tempDir.resolve("kprobe.bpf.o"));
 * }
 */
public final class BpfTestSources {
    private BpfTestSources() {}

    /**
     * The file {@code src/test/bpf/<name>} of the Maven module whose {@code target/test-classes} directory or
     * {@code target/*-tests.jar} holds {@code testClass}; falls back to the working directory's {@code src/test/bpf}.
     */
    public static Path locate(Class<?> testClass, String name) {
        Path module = moduleDirectory(testClass);
        if (module != null) {
            Path candidate = module.resolve("src/test/bpf").resolve(name);
            if (Files.isRegularFile(candidate)) return candidate;
        }
        Path fallback = Path.of("src/test/bpf", name).toAbsolutePath();
        if (Files.isRegularFile(fallback)) return fallback;
        throw new IllegalArgumentException("no BPF test source " + name + " for " + testClass.getName()
                + " (looked in " + (module == null ? "" : module.resolve("src/test/bpf") + " and ") + fallback.getParent() + ")");
    }

    private static Path moduleDirectory(Class<?> testClass) {
        CodeSource source = testClass.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) return null;
        try {
            Path location = Path.of(source.getLocation().toURI()).toAbsolutePath();
            // target/test-classes/ or target/foo-tests.jar: the module is two levels up either way.
            Path target = location.getParent();
            return target != null && target.getFileName() != null && target.getFileName().toString().equals("target")
                    ? target.getParent() : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
