package dev.ebpf4j.core.internal.libbpf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written bindings against the bundled libbpf: every symbol resolves, every opts layout matches the C header. */
class BindingsTest {
    static final Path HEADERS = Path.of("target/libbpf/include");

    @Test
    void everyBoundSymbolResolvesInTheBundledLibrary() throws ClassNotFoundException {
        // Each binding class makes its handles in its static initializer; a missing symbol fails it.
        for (String name : List.of("ObjectCalls", "BtfCalls", "LibbpfLog")) {
            Class.forName(Native.class.getPackageName() + "." + name, true, getClass().getClassLoader());
        }
        Class.forName("dev.ebpf4j.core.features.Features$Probes", true, getClass().getClassLoader());
    }

    @Test
    void openOptionsMatchTheHeaderAndSetSz(@TempDir Path dir) throws Exception {
        assertLayoutMatches(dir, "bpf_object_open_opts", OpenOptionsLayout.LAYOUT);
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var opts = OpenOptionsLayout.allocate(arena, "x", null, null);
            assertEquals(OpenOptionsLayout.LAYOUT.byteSize(), opts.get(Native.C_SIZE_T, 0));
        }
    }

    /**
     * Compiles a C program against the bundled headers that prints sizeof and the offset of every named field of
     * {@code struct name}, and compares them with the Java layout. Padding and removed fields are named with a
     * {@code _removed} suffix in Java and skipped here.
     */
    static void assertLayoutMatches(Path dir, String struct, StructLayout layout) throws IOException, InterruptedException {
        Map<String, Long> java = new LinkedHashMap<>();
        for (MemoryLayout member : layout.memberLayouts()) {
            member.name().filter(n -> !n.endsWith("_removed"))
                    .ifPresent(n -> java.put(n, layout.byteOffset(MemoryLayout.PathElement.groupElement(n))));
        }
        StringBuilder c = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include <bpf/libbpf.h>\n#include <bpf/bpf.h>\nint main(void){\n");
        c.append("printf(\"sizeof %zu\\n\", sizeof(struct ").append(struct).append("));\n");
        for (String field : java.keySet()) {
            c.append("printf(\"").append(field).append(" %zu\\n\", offsetof(struct ").append(struct).append(", ").append(field).append("));\n");
        }
        c.append("return 0;}\n");
        Path src = Files.writeString(dir.resolve("layout.c"), c);
        Path exe = dir.resolve("layout");
        run(List.of("gcc", "-I" + HEADERS.toAbsolutePath(), src.toString(), "-o", exe.toString()));
        Map<String, Long> native_ = new LinkedHashMap<>();
        for (String line : run(List.of(exe.toString())).split("\n")) {
            String[] kv = line.split(" ");
            native_.put(kv[0], Long.parseLong(kv[1]));
        }
        assertEquals(native_.remove("sizeof"), layout.byteSize(), "sizeof(struct " + struct + ")");
        assertEquals(native_, java, "field offsets of struct " + struct);
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), cmd + " failed:\n" + out);
        return out;
    }
}
