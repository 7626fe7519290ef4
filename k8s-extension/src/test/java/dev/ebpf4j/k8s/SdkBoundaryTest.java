package dev.ebpf4j.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes extension and the samples are built on the public SDK only (DESIGN.md: the extension is the proof
 * that the SDK is enough). Fails the build when a source file of k8s-extension or samples names an {@code internal}
 * package of core, maps or programs (import or fully qualified name), or when an SDK module-info exports or opens an
 * {@code internal} package to any module but the SDK's own. The module system would refuse such a use at compile
 * time only while the export is absent; this keeps the export from coming back.
 */
class SdkBoundaryTest {
    /** The SDK modules whose internal packages may be shared among themselves (core's bindings to maps and programs). */
    static final Set<String> SDK_MODULES = Set.of("dev.ebpf4j.core", "dev.ebpf4j.maps", "dev.ebpf4j.programs");
    static final List<String> SDK_MODULE_DIRS = List.of("core", "maps", "programs");
    static final List<String> CLIENT_SOURCE_DIRS = List.of("k8s-extension/src", "samples/src");
    /** Spelled in two parts so that the fixture below does not trip the check on this very file. */
    private static final String IN = "inter" + "nal";
    private static final Pattern INTERNAL_USE = Pattern.compile("dev\\.ebpf4j\\.(core|maps|programs)(\\.\\w+)*\\.internal\\b");
    private static final Pattern QUALIFIED = Pattern.compile("\\b(exports|opens)\\s+([\\w.]+)\\s+to\\s+([^;]+);");

    @Test
    void theExtensionAndTheSamplesUseNoInternalPackageOfTheSdk() {
        Path root = Path.of("").toAbsolutePath().getParent(); // tests run in k8s-extension/
        for (String m : SDK_MODULE_DIRS) {
            assertTrue(Files.exists(moduleInfo(root, m)), "no " + moduleInfo(root, m) + ": is " + root + " the repository root?");
        }
        List<String> found = violations(root);
        assertEquals(List.of(), found, "the SDK boundary is crossed; give the SDK the public API these need instead:\n"
                + String.join("\n", found));
    }

    @Test
    void theCheckFindsInternalUsesAndExportsPlantedInAFixture(@TempDir Path fixture) throws IOException {
        write(fixture, "k8s-extension/src/main/java/x/A.java",
                "package x;\nimport dev.ebpf4j.core." + IN + ".libbpf.Native;\nimport dev.ebpf4j.core.BpfObject;\n");
        write(fixture, "samples/src/main/java/y/B.java",
                "package y;\nclass B { int i = dev.ebpf4j.programs." + IN + ".Libc.ifindex(\"lo\"); }\n");
        write(fixture, "samples/src/test/java/y/C.java", "package y;\nimport static dev.ebpf4j.maps." + IN + ".Cpus.possible;\n");
        write(fixture, "k8s-extension/src/main/java/x/Fine.java",
                "package x;\nimport dev.ebpf4j.k8s.internal.Netns; // the extension's own internals are its business\n");
        write(fixture, "core/src/main/java/module-info.java", """
                module dev.ebpf4j.core {
                    exports dev.ebpf4j.core;
                    // exports dev.ebpf4j.core.%1$s.libbpf to dev.ebpf4j.k8s; (a comment does not count)
                    exports dev.ebpf4j.core.%1$s.libbpf to dev.ebpf4j.maps,
                            dev.ebpf4j.programs, dev.ebpf4j.k8s;
                }
                """.formatted(IN));
        write(fixture, "maps/src/main/java/module-info.java", "module dev.ebpf4j.maps { opens dev.ebpf4j.maps." + IN + " to dev.ebpf4j.samples; }\n");
        write(fixture, "programs/src/main/java/module-info.java",
                "module dev.ebpf4j.programs { exports dev.ebpf4j.programs." + IN + " to dev.ebpf4j.maps; }\n");

        List<String> found = violations(fixture);

        assertEquals(5, found.size(), String.join("\n", found));
        assertTrue(found.get(0).contains("core/src/main/java/module-info.java: exports dev.ebpf4j.core." + IN + ".libbpf to dev.ebpf4j.k8s"), found.get(0));
        assertTrue(found.get(1).contains("maps/src/main/java/module-info.java: opens dev.ebpf4j.maps." + IN + " to dev.ebpf4j.samples"), found.get(1));
        assertTrue(found.get(2).contains("k8s-extension/src/main/java/x/A.java:2: dev.ebpf4j.core." + IN), found.get(2));
        assertTrue(found.get(3).contains("samples/src/main/java/y/B.java:2: dev.ebpf4j.programs." + IN), found.get(3));
        assertTrue(found.get(4).contains("samples/src/test/java/y/C.java:2: dev.ebpf4j.maps." + IN), found.get(4));
    }

    /** Every crossing of the boundary under {@code root}, as "path[:line]: what", module-infos first. */
    static List<String> violations(Path root) {
        List<String> out = new ArrayList<>();
        for (String m : SDK_MODULE_DIRS) {
            Path info = moduleInfo(root, m);
            if (Files.exists(info)) out.addAll(qualifiedInternalExports(root, info));
        }
        for (String dir : CLIENT_SOURCE_DIRS) {
            Path base = root.resolve(dir);
            if (!Files.isDirectory(base)) continue;
            try (Stream<Path> files = Files.walk(base)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) out.addAll(internalUses(root, f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static Path moduleInfo(Path root, String module) {
        return root.resolve(module).resolve("src/main/java/module-info.java");
    }

    private static List<String> qualifiedInternalExports(Path root, Path info) {
        String text = read(info).replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
        List<String> out = new ArrayList<>();
        Matcher m = QUALIFIED.matcher(text);
        while (m.find()) {
            if (!m.group(2).contains(".internal")) continue;
            for (String target : m.group(3).split(",")) {
                String t = target.trim();
                if (!SDK_MODULES.contains(t)) {
                    out.add(root.relativize(info) + ": " + m.group(1) + " " + m.group(2) + " to " + t
                            + " (only the SDK's own modules may see its internal packages; remove it)");
                }
            }
        }
        return out;
    }

    private static List<String> internalUses(Path root, Path file) {
        List<String> out = new ArrayList<>();
        List<String> lines = read(file).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = INTERNAL_USE.matcher(lines.get(i));
            if (m.find()) out.add(root.relativize(file) + ":" + (i + 1) + ": " + m.group() + " (" + lines.get(i).trim() + ")");
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path root, String relative, String text) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
