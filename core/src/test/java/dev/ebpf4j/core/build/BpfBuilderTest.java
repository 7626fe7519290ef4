package dev.ebpf4j.core.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpfBuilderTest {
    private static final String PROGRAM = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            #include <bpf/bpf_core_read.h>
            #include "limits.h"

            SEC("tp/sched/sched_process_exec")
            int probe(void *ctx)
            {
                struct task_struct *task = (struct task_struct *)bpf_get_current_task();
                return BPF_CORE_READ(task, pid) > LIMIT;
            }
            char LICENSE[] SEC("license") = "GPL";
            """;

    @Test
    void compilesWithCoreRelocationsAndCachesByContent(@TempDir Path dir) throws IOException {
        Path src = Files.writeString(dir.resolve("probe.bpf.c"), PROGRAM);
        Path header = Files.writeString(dir.resolve("limits.h"), "#define LIMIT 1\n");
        Path clang = countingClang(dir);
        BpfBuilder builder = BpfBuilder.create().clang(clang).cacheDirectory(dir.resolve("cache"));

        CompiledObject first = builder.compile(src, dir.resolve("out/probe.bpf.o"));
        assertFalse(first.cacheHit());
        assertTrue(first.relocations().stream().anyMatch(r -> r.type().equals("struct task_struct")
                && r.kind() == CoreRelocation.Kind.FIELD_BYTE_OFFSET), first.relocations().toString());
        assertEquals(1, invocations(dir));

        CompiledObject second = builder.compile(src, dir.resolve("out/again.bpf.o"));
        assertTrue(second.cacheHit());
        assertEquals(1, invocations(dir), "a cache hit does not run clang");
        assertEquals(-1, Files.mismatch(first.object(), second.object()));

        // The same content from another directory is the same object, provided it includes the same header files.
        Path elsewhere = Files.createDirectories(dir.resolve("copy")).resolve("probe.bpf.c");
        Files.writeString(elsewhere, PROGRAM.replace("\"limits.h\"", "\"" + header + "\""));
        builder.compile(elsewhere, dir.resolve("out/copy1.bpf.o"));
        Path third = Files.createDirectories(dir.resolve("copy2")).resolve("probe.bpf.c");
        Files.copy(elsewhere, third);
        Files.delete(elsewhere);
        assertTrue(builder.compile(third, dir.resolve("out/copy2.bpf.o")).cacheHit(), "moved source hits");
        assertEquals(2, invocations(dir));

        Files.writeString(header, "#define LIMIT 2\n");
        assertFalse(builder.compile(src, dir.resolve("out/changed.bpf.o")).cacheHit(), "an included header changed");
        assertEquals(3, invocations(dir));
    }

    @Test
    void checkoutsWithTheSameSourceButDifferentLocalHeadersDoNotShareObjects(@TempDir Path dir) throws IOException {
        Path clang = countingClang(dir);
        BpfBuilder builder = BpfBuilder.create().clang(clang).cacheDirectory(dir.resolve("cache"));
        Path a = Files.createDirectories(dir.resolve("checkout-a")).resolve("probe.bpf.c");
        Path b = Files.createDirectories(dir.resolve("checkout-b")).resolve("probe.bpf.c");
        for (Path src : new Path[] {a, b}) Files.writeString(src, PROGRAM);
        Files.writeString(a.resolveSibling("limits.h"), "#define LIMIT 1\n");
        Files.writeString(b.resolveSibling("limits.h"), "#define LIMIT 1000\n");

        CompiledObject fromA = builder.compile(a, dir.resolve("out/a.bpf.o"));
        CompiledObject fromB = builder.compile(b, dir.resolve("out/b.bpf.o"));
        assertFalse(fromB.cacheHit(), "checkout b's limits.h differs from a's: a's object must not be served");
        assertEquals(2, invocations(dir));
        assertTrue(Files.mismatch(fromA.object(), fromB.object()) >= 0, "the two headers compile to different objects");

        Files.writeString(a.resolveSibling("limits.h"), "#define LIMIT 1000\n");
        assertTrue(builder.compile(a, dir.resolve("out/a2.bpf.o")).cacheHit(), "equal local headers share the object");
        assertEquals(2, invocations(dir));
    }

    @Test
    void syntaxErrorIsReportedWithFileAndLine(@TempDir Path dir) throws IOException {
        Path src = Files.writeString(dir.resolve("broken.bpf.c"), """
                #include "vmlinux.h"
                #include <bpf/bpf_helpers.h>
                SEC("xdp")
                int broken(struct xdp_md *ctx)
                {
                    return XDP_PASS
                }
                """);
        CompileException e = assertThrows(CompileException.class,
                () -> BpfBuilder.create().cacheDirectory(dir.resolve("cache")).compile(src, dir.resolve("broken.o")));
        Diagnostic first = e.diagnostics().getFirst();
        assertEquals("broken.bpf.c", first.file().getFileName().toString());
        assertEquals(6, first.line());
        assertEquals("error", first.severity());
        assertTrue(e.getMessage().contains("broken.bpf.c:6:"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("broken.o")));
    }

    @Test
    void missingClangSaysWhatToInstall(@TempDir Path dir) throws IOException {
        Path src = Files.writeString(dir.resolve("x.bpf.c"), "int x;\n");
        var e = assertThrows(IllegalStateException.class,
                () -> BpfBuilder.create().clang(Path.of("no-such-clang")).compile(src, dir.resolve("x.o")));
        assertTrue(e.getMessage().contains("no-such-clang"), e.getMessage());
    }

    @Test
    void vmlinuxHeaderIsGeneratedFromKernelBtf(@TempDir Path dir) throws IOException {
        Path header = BpfBuilder.create().cacheDirectory(dir).vmlinuxHeader();
        String text = Files.readString(header);
        assertTrue(text.contains("struct iphdr {"));
        assertTrue(text.contains("#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)"));
        assertTrue(text.contains("BPF_MAP_TYPE_RINGBUF = 27"));
        assertTrue(text.strip().endsWith("#endif /* __VMLINUX_H__ */"));
    }

    @Test
    void dependencyFilesAreParsedWithContinuationsAndEscapedSpaces() {
        var deps = BuildCache.parseDepFile("out.o: a.c /x/vmlinux.h \\\n  /y/with\\ space.h\n");
        assertEquals(3, deps.size());
        assertEquals(Path.of("/y/with space.h"), deps.get(2));
    }

    private static Path countingClang(Path dir) throws IOException {
        Path script = dir.resolve("clang-counting");
        Files.writeString(script, "#!/bin/sh\necho x >> '" + dir.resolve("invocations") + "'\nexec clang \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static long invocations(Path dir) throws IOException {
        Path log = dir.resolve("invocations");
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }
}
