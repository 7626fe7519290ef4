package dev.ebpf4j.maven.plugin;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compile and test-compile goals, run directly (clang and the kernel's BTF, no Maven runtime). */
class CompileMojoTest {
    static final String OK = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            #include "common.h"
            #ifndef SLOTS
            #error SLOTS must be defined by the plugin configuration
            #endif
            struct {
                __uint(type, BPF_MAP_TYPE_ARRAY);
                __uint(max_entries, SLOTS);
                __type(key, __u32);
                __type(value, struct pair);
            } pairs SEC(".maps");
            SEC("xdp")
            int xdp_ok(struct xdp_md *ctx) { return XDP_PASS; }
            char LICENSE[] SEC("license") = "GPL";
            """;
    static final String COMMON = "struct pair { __u32 a; __u64 b; };\n";

    @TempDir
    Path dir;

    CompileMojo mojo(Path sources, Path out) {
        CompileMojo mojo = new CompileMojo();
        mojo.sourceDirectory = sources.toFile();
        mojo.outputDirectory = out.toFile();
        mojo.packageName = "com.example.bpf";
        mojo.defines = Map.of("SLOTS", "4");
        mojo.includeDirectories = List.of(dir.resolve("include").toFile());
        return mojo;
    }

    Path sources(String... nameAndText) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/main/bpf"));
        Files.createDirectories(dir.resolve("include"));
        Files.writeString(dir.resolve("include/common.h"), COMMON);
        for (int i = 0; i < nameAndText.length; i += 2) Files.writeString(src.resolve(nameAndText[i]), nameAndText[i + 1]);
        return src;
    }

    @Test
    void compilesEverySourceIntoThePackagePath() throws Exception {
        Path src = sources("ok.bpf.c", OK, "also.bpf.c", OK, "helper.h", "// not a source\n");
        Path out = dir.resolve("classes");
        mojo(src, out).execute();
        Path pkg = out.resolve("com/example/bpf");
        assertTrue(Files.isRegularFile(pkg.resolve("ok.bpf.o")));
        assertTrue(Files.isRegularFile(pkg.resolve("also.bpf.o")));
        try (var files = Files.list(pkg)) {
            assertEquals(2, files.count(), "only *.bpf.c files are sources");
        }
        byte[] elf = Files.readAllBytes(pkg.resolve("ok.bpf.o"));
        assertEquals(247, (elf[18] & 0xff) | (elf[19] & 0xff) << 8, "e_machine EM_BPF");
    }

    @Test
    void clangErrorsFailTheBuildWithFileAndLine() throws Exception {
        Path src = sources("broken.bpf.c", "#include \"vmlinux.h\"\nint f(void) {\n    return undeclared_thing;\n}\n");
        var e = assertThrows(MojoFailureException.class, () -> mojo(src, dir.resolve("classes")).execute());
        assertTrue(e.getMessage().contains("broken.bpf.c:3:"), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared_thing"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("classes/com/example/bpf/broken.bpf.o")));
    }

    @Test
    void definesReachClang() throws Exception {
        Path src = sources("ok.bpf.c", OK);
        CompileMojo mojo = mojo(src, dir.resolve("classes"));
        mojo.defines = Map.of();
        var e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("ok.bpf.c:5:") && e.getMessage().contains("SLOTS must be defined"), e.getMessage());
    }

    @Test
    void missingSourceDirectoryIsNotAnError() throws Exception {
        Path out = dir.resolve("classes");
        mojo(dir.resolve("absent"), out).execute();
        assertFalse(Files.exists(out));
    }

    @Test
    void badPackageNameOrBtfFileIsAConfigurationError() throws Exception {
        Path src = sources("ok.bpf.c", OK);
        CompileMojo mojo = mojo(src, dir.resolve("classes"));
        mojo.packageName = "com.example.1bad";
        var e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().contains("not a Java package name"), e.getMessage());
        mojo.packageName = "";
        mojo.btf = new File(dir.toFile(), "no-such.btf");
        e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().contains("no-such.btf"), e.getMessage());
    }

    @Test
    void unknownClangIsAConfigurationError() throws Exception {
        Path src = sources("ok.bpf.c", OK);
        CompileMojo mojo = mojo(src, dir.resolve("classes"));
        mojo.clang = "clang-does-not-exist";
        var e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().contains("clang-does-not-exist"), e.getMessage());
    }

    @Test
    void skipDoesNothing() throws Exception {
        Path src = sources("broken.bpf.c", "this is not C");
        CompileMojo mojo = mojo(src, dir.resolve("classes"));
        mojo.skip = true;
        mojo.execute();
        assertFalse(Files.exists(dir.resolve("classes")));
    }

    @Test
    void testCompileWritesUnderTestClassesAndHonoursMavenTestSkip() throws Exception {
        Path src = sources("ok.bpf.c", OK);
        TestCompileMojo mojo = new TestCompileMojo();
        mojo.testSourceDirectory = src.toFile();
        mojo.testOutputDirectory = dir.resolve("test-classes").toFile();
        mojo.defines = Map.of("SLOTS", "2");
        mojo.includeDirectories = List.of(dir.resolve("include").toFile());
        mojo.skipTests = true;
        mojo.execute();
        assertFalse(Files.exists(dir.resolve("test-classes")));
        mojo.skipTests = false;
        mojo.execute();
        assertTrue(Files.isRegularFile(dir.resolve("test-classes/ok.bpf.o")));
    }
}
