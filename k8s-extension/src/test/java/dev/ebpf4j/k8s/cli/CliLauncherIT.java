package dev.ebpf4j.k8s.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/ebpf4j of the unpacked tar.gz choosing a Java: a too-old runtime is passed over or refused, a symlinked launcher
 * (as ./dev install-cli links it) finds its lib/, and with no Java 22+ anywhere it says what it found. The "old"
 * runtimes are made here: a release file saying Java 17 and a bin/java that must never run.
 */
@Tag("distribution")
class CliLauncherIT {
    @TempDir
    static Path dir;
    static Path launcher;

    @BeforeAll
    static void unpack() throws Exception {
        launcher = CliDistribution.unpack(Files.createDirectories(dir.resolve("dist")));
    }

    /** A fake runtime of Java {@code feature}: its java fails loudly, so a launcher that picks it is caught. */
    static Path runtime(String name, int feature) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name).resolve("bin"));
        Files.writeString(home.getParent().resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + feature + ".0.2\"\n");
        Path java = Files.writeString(home.resolve("java"), "#!/bin/sh\necho \"fake java $*\" >&2\nexit 99\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home.getParent();
    }

    static CliDistribution.Result launch(Path command, java.util.Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command.toString());
        pb.command().addAll(java.util.List.of(args));
        pb.environment().remove("EBPF4J_JAVA_HOME");
        pb.environment().putAll(env);
        return CliDistribution.run(pb);
    }

    @Test
    void passesOverAnOldJavaHomeAndRunsThroughASymlink() throws Exception {
        Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("usr-local-bin")).resolve("ebpf4j"), launcher);
        CliDistribution.Result r = launch(link, java.util.Map.of("JAVA_HOME", runtime("jdk17", 17).toString()), "--version");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("ebpf4j \\S+\n"), r.out());
    }

    @Test
    void anExplicitJavaHomeThatIsTooOldIsRefused() throws Exception {
        Path old = runtime("jdk21", 21);
        CliDistribution.Result r = launch(launcher, java.util.Map.of("EBPF4J_JAVA_HOME", old.toString()), "--version");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertEquals("ebpf4j: EBPF4J_JAVA_HOME=" + old + " is not a Java 22 or newer:\n  EBPF4J_JAVA_HOME: " + old
                + "/bin/java is Java 21\n", r.err());
    }

    /** /usr/lib/jvm hidden under an empty tmpfs in a mount namespace of the launcher's own; PATH has no java. */
    @Test
    void withoutAnyJava22ItSaysWhatItFoundAndWhatItNeeds() throws Exception {
        Path old = runtime("jre17", 17);
        String mount = java.util.stream.Stream.of("/usr/bin/mount", "/bin/mount").filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                mount + " -t tmpfs none /usr/lib/jvm && exec \"$0\" status", launcher.toString());
        pb.environment().remove("EBPF4J_JAVA_HOME");
        pb.environment().put("JAVA_HOME", old.toString());
        pb.environment().put("PATH", "/usr/sbin:/sbin:" + dir.resolve("no-java-here"));
        CliDistribution.Result r = CliDistribution.run(pb);
        assertEquals(1, r.exit(), r.out() + r.err());
        assertEquals("", r.out());
        assertEquals("ebpf4j: needs Java 22 or newer (it calls libbpf through the FFM API) and found none:\n"
                + "  JAVA_HOME: " + old + "/bin/java is Java 17\n"
                + "ebpf4j: install a JDK or JRE 22+ (e.g. Temurin 25) or set EBPF4J_JAVA_HOME to one.\n", r.err());
        assertTrue(!r.err().contains("fake java"), "the launcher ran a Java 17: " + r.err());
    }
}
