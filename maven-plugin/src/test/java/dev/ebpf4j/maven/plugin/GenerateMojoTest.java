package dev.ebpf4j.maven.plugin;

import org.apache.maven.model.Build;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generate goal, run directly against a bare {@link MavenProject}. */
class GenerateMojoTest {
    @TempDir
    Path dir;

    GenerateMojo mojo(Path src) {
        GenerateMojo mojo = new GenerateMojo();
        mojo.sourceDirectory = src.toFile();
        mojo.generatedSourcesDirectory = dir.resolve("generated").toFile();
        mojo.objectDirectory = dir.resolve("objects").toFile();
        mojo.packageName = "com.example.gen";
        mojo.defines = Map.of("SLOTS", "4");
        mojo.includeDirectories = List.of(dir.resolve("include").toFile());
        MavenProject project = new MavenProject();
        project.setBuild(new Build());
        mojo.project = project;
        return mojo;
    }

    Path sources(String... nameAndText) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/main/bpf"));
        Files.createDirectories(dir.resolve("include"));
        Files.writeString(dir.resolve("include/common.h"), CompileMojoTest.COMMON);
        for (int i = 0; i < nameAndText.length; i += 2) Files.writeString(src.resolve(nameAndText[i]), nameAndText[i + 1]);
        return src;
    }

    @Test
    void objectClassesCanBeTurnedOff() throws Exception {
        GenerateMojo mojo = mojo(sources("ok.bpf.c", CompileMojoTest.OK));
        mojo.objectClasses = false;
        mojo.execute();
        assertTrue(Files.exists(dir.resolve("generated/com/example/gen/Pair.java")));
        assertFalse(Files.exists(dir.resolve("generated/com/example/gen/OkObject.java")));
    }

    @Test
    void writesRecordsAndAddsTheSourceRoot() throws Exception {
        GenerateMojo mojo = mojo(sources("ok.bpf.c", CompileMojoTest.OK, "again.bpf.c", CompileMojoTest.OK));
        Path stale = dir.resolve("generated/com/example/gen/Gone.java");
        Files.createDirectories(stale.getParent());
        Files.writeString(stale, GenerateMojo.MARKER + " from an older build\nclass Gone {}\n");
        Path handWritten = dir.resolve("generated/com/example/gen/Mine.java");
        Files.writeString(handWritten, "class Mine {}\n");
        mojo.execute();
        Path pair = dir.resolve("generated/com/example/gen/Pair.java");
        assertTrue(Files.readString(pair).contains("public record Pair(int a, long b)"), Files.readString(pair));
        assertFalse(Files.exists(stale), "a type that is no longer generated is removed");
        assertTrue(Files.exists(handWritten), "files the goal did not generate are left alone");
        for (String cls : List.of("OkObject", "AgainObject")) {
            Path object = dir.resolve("generated/com/example/gen/" + cls + ".java");
            assertTrue(Files.readString(object).contains("public final class " + cls + " implements AutoCloseable"), cls);
        }
        assertEquals(List.of(dir.resolve("generated").toString()), mojo.project.getCompileSourceRoots());
    }

    @Test
    void conflictingTypesOfTheSameNameFailTheBuild() throws Exception {
        String other = CompileMojoTest.OK.replace("#include \"common.h\"", "struct pair { __u16 a; };");
        GenerateMojo mojo = mojo(sources("ok.bpf.c", CompileMojoTest.OK, "other.bpf.c", other));
        var e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("com.example.gen.Pair"), e.getMessage());
    }
}
