package dev.ebpf4j.release;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Builds consumer/ the way a user would: ebpf4j artifacts installed into a throwaway local repository (never ~/.m2,
 * which it only reads as a fallback for third-party plugins), the consumer depending on them by coordinates only;
 * then runs it against the kernel.
 */
@Tag("kernel")
@Tag("release")
class ConsumerProjectIT {
    /** What the consumer needs installed (directory names), with everything they depend on. */
    static final List<String> INSTALLED = List.of("testkit", "core", "maps", "programs");

    @Test
    void consumerBuildsAgainstInstalledArtifactsAndLoadsItsProgram() throws Exception {
        Path copy = Build.TARGET.resolve("consumer-build");
        Build.copyBuild(copy, INSTALLED, null);
        Build.copyTree(Build.ROOT.resolve("consumer"), copy.resolve("consumer"));
        Path repo = Build.TARGET.resolve("consumer-repo");
        Build.deleteRecursively(repo);
        // Head: a fresh repository that receives the install. Tail (Maven 3.9+): ~/.m2, read only, for plugins.
        String[] repos = {"-o", "-Dmaven.repo.local=" + repo,
                "-Dmaven.repo.local.tail=" + Path.of(System.getProperty("user.home"), ".m2", "repository")};

        Build.run(copy, "consumer-install-ebpf4j", Map.of(), 600, concat(Build.mvnw(copy, repos),
                "install", "-pl", String.join(",", INSTALLED), "-am", "-Dmaven.test.skip=true"))
                .requireSuccess("installing ebpf4j into " + repo);
        String version = Build.projectVersion();
        Path installedCore = repo.resolve("dev/ebpf4j/ebpf4j-core/" + version + "/ebpf4j-core-" + version + ".jar");
        assertTrue(Files.isRegularFile(installedCore), "not installed: " + installedCore);

        Build.run(copy, "consumer-package", Map.of(), 600, concat(Build.mvnw(copy, repos),
                "-f", copy.resolve("consumer/pom.xml").toString(), "package")).requireSuccess("building consumer/");
        Path consumerJar = copy.resolve("consumer/target/ebpf4j-consumer-1.0.jar");
        Path coreOnClassPath = copy.resolve("consumer/target/lib/ebpf4j-core-" + version + ".jar");
        assertArrayEquals(Files.readAllBytes(installedCore), Files.readAllBytes(coreOnClassPath),
                "the consumer did not get the freshly installed ebpf4j-core");

        Build.Result run = Build.run(copy, "consumer-run", Map.of(), 120, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", consumerJar.toString()));
        run.requireSuccess("running the consumer");
        String out = run.output();
        assertTrue(out.contains("program count_packets: XDP"), out);
        assertTrue(out.matches("(?s).*map packets: ARRAY, key 4 B, value 8 B, max 1 entries, fd \\d+.*"), out);
        assertTrue(out.matches("(?s).*map by_protocol: HASH, key 1 B, value 8 B, max 256 entries, fd \\d+.*"), out);
        assertTrue(out.matches("(?s).*socket filter .* counted 5 of 5 datagrams.*"), out);
        assertTrue(!out.contains("WARNING: A restricted method"), "native access not enabled by the manifest:\n" + out);
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(Arrays.asList(tail));
        return all;
    }
}
