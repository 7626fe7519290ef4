package dev.ebpf4j.kernelmatrix;

import dev.ebpf4j.testkit.guest.GuestKernel;
import dev.ebpf4j.testkit.guest.GuestRun;
import dev.ebpf4j.testkit.guest.GuestTestResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Boots each configured guest kernel ({@code -Debpf4j.guest.kernels=5.10,6.1,6.12}, the default; {@code none} skips),
 * runs the {@code guest} and {@code guest-smoke} tests of this module's test class path in it, and reports every
 * guest test as a test here, named with the kernel it ran in: failed in the guest fails here, skipped in the guest is
 * skipped here with the guest's reason. A guest that did not boot, or ran no test, fails.
 */
class GuestKernelMatrixIT {
    private static final String KERNELS = System.getProperty("ebpf4j.guest.kernels", "5.10,6.1,6.12");
    private static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("ebpf4j.guest.timeout.seconds", 900));
    private static final Path OUTPUT = Path.of(System.getProperty("ebpf4j.guest.output", "target/guest"));

    @BeforeAll
    static void compileGuestTestObjectsOnTheHost() throws IOException {
        Assumptions.assumeFalse(KERNELS.isBlank() || KERNELS.equals("none"),
                "guest kernel matrix disabled (-Debpf4j.guest.kernels=" + KERNELS + ")");
        BpfCacheWarmer.warm(Path.of(System.getProperty("ebpf4j.repository", "..")));
    }

    @TestFactory
    Stream<DynamicNode> guestKernels() {
        List<Path> classPath = GuestKernel.testClassPath();
        return Arrays.stream(KERNELS.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(series -> DynamicContainer.dynamicContainer("linux " + series,
                        Stream.of(series).flatMap(s -> run(s, classPath))));
    }

    /** Runs lazily, when JUnit executes the container, so kernels boot one after the other. */
    private static Stream<DynamicNode> run(String series, List<Path> classPath) {
        GuestRun run = GuestKernel.debian(series).classPath(classPath).tags("guest", "guest-smoke").timeout(TIMEOUT)
                .run(OUTPUT.resolve(series));
        String kernel = run.kernelRelease().isEmpty() ? series : run.kernelRelease();
        System.out.printf("guest %s: status %d, %d tests, %d s (console: %s)%n", kernel, run.exitStatus(),
                run.results().size(), run.elapsed().toSeconds(), run.consoleLog());
        List<DynamicNode> nodes = new ArrayList<>();
        nodes.add(DynamicTest.dynamicTest("boots linux " + kernel + " and runs its tests", () -> checkRun(run)));
        for (GuestTestResult result : run.results()) {
            nodes.add(DynamicTest.dynamicTest(result.displayName() + " [linux " + kernel + "]", () -> report(result, kernel)));
        }
        return nodes.stream();
    }

    private static void checkRun(GuestRun run) throws IOException {
        if (run.completed() && !run.results().isEmpty()) return;
        String why = !run.completed()
                ? "guest " + run.series() + " did not complete (runner status " + run.exitStatus()
                        + ": 124 timeout, 3 no boot or no job, 2 setup)"
                : "guest " + run.series() + " ran no tests (no @Tag(\"guest\") or @Tag(\"guest-smoke\") test on the class path?)";
        fail(why + "\n--- runner log\n" + tail(run.output().resolve("runner.log"), 20)
                + "\n--- console " + run.consoleLog() + "\n" + tail(run.consoleLog(), 40));
    }

    private static void report(GuestTestResult result, String kernel) {
        switch (result.status()) {
            case PASSED -> { }
            case SKIPPED -> Assumptions.abort("skipped in guest linux " + kernel + ": " + result.message());
            case FAILED -> fail("failed in guest linux " + kernel + ": " + result.message() + "\n" + result.detail());
        }
    }

    private static String tail(Path file, int lines) throws IOException {
        if (!Files.isRegularFile(file)) return "(missing)";
        List<String> all = Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
