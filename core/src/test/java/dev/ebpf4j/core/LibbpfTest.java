package dev.ebpf4j.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibbpfTest {

    @Test
    void bundledCopyIsLoadedEvenWithASystemLibbpfPresent() throws IOException {
        assertEquals("v1.4", Libbpf.version());
        assertTrue(Libbpf.origin().startsWith("bundled"), Libbpf.origin());
        assertEquals("1.4.6-1~bpo12+1", Libbpf.packageVersion());
        Path loaded = Libbpf.path();
        assertTrue(loaded.getParent().getFileName().toString().startsWith("ebpf4j-"), loaded.toString());
        assertTrue(loaded.getParent().getFileName().toString().endsWith(Libbpf.sha256().substring(0, 16)),
                "directory is named after the content hash: " + loaded);

        // The process maps show our copy and no other libbpf, whatever the distribution has installed.
        List<String> libbpfMappings = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains("libbpf.so")).map(l -> l.substring(l.indexOf('/'))).distinct().toList();
        assertEquals(List.of(loaded.toString()), libbpfMappings);
    }

    @Test
    void explicitOverrideThatDoesNotExistFailsNamingThePathTried() throws Exception {
        Process p = javaWith("-Debpf4j.libbpf.path=/nonexistent/libbpf.so.1");
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertFalse(p.exitValue() == 0, out);
        assertTrue(out.contains("could not load libbpf; tried:"), out);
        assertTrue(out.contains("system property ebpf4j.libbpf.path -> /nonexistent/libbpf.so.1"), out);
    }

    @Test
    void explicitOverrideLoadsTheNamedLibrary() throws Exception {
        Process p = javaWith("-Debpf4j.libbpf.path=" + Libbpf.path());
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("v1.4 system property ebpf4j.libbpf.path"), out);
    }

    /** Runs {@link PrintLibbpf} in a fresh JVM, where nothing is loaded yet. */
    private static Process javaWith(String property) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", property, "-cp", System.getProperty("java.class.path"),
                PrintLibbpf.class.getName()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    public static final class PrintLibbpf {
        public static void main(String[] args) {
            System.out.println(Libbpf.version() + " " + Libbpf.origin());
        }
    }
}
