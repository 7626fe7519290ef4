package dev.ebpf4j.maven.plugin;

import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.build.CompileException;
import dev.ebpf4j.core.build.CompiledObject;
import dev.ebpf4j.core.build.Diagnostic;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What every goal shares: finding {@code *.bpf.c} sources and compiling them with {@link BpfBuilder}, turning
 * clang's diagnostics into a build failure that names file and line.
 */
abstract class AbstractBpfMojo extends AbstractMojo {
    static final String SOURCE_SUFFIX = ".bpf.c";
    static final String OBJECT_SUFFIX = ".bpf.o";

    /** The clang to run, a path or a name on PATH; by default the first of clang, clang-22 ... clang-14 on PATH. */
    @Parameter(property = "ebpf4j.clang")
    String clang;

    /**
     * The BTF that {@code vmlinux.h} is generated from (raw BTF, or an ELF file with a {@code .BTF} section);
     * by default the build machine's {@code /sys/kernel/btf/vmlinux}.
     */
    @Parameter(property = "ebpf4j.btf")
    File btf;

    /** Where generated headers and compiled objects are cached; by default {@code ~/.cache/ebpf4j/build}. */
    @Parameter(property = "ebpf4j.cacheDirectory")
    File cacheDirectory;

    /** Extra include directories ({@code -I}), searched before {@code vmlinux.h} and libbpf's headers. */
    @Parameter
    List<File> includeDirectories = new ArrayList<>();

    /** Preprocessor definitions ({@code -Dname=value}), as {@code <NAME>value</NAME>} elements. */
    @Parameter
    Map<String, String> defines = new LinkedHashMap<>();

    /** Extra clang flags, such as {@code -Wall}. */
    @Parameter
    List<String> compilerFlags = new ArrayList<>();

    /**
     * The Java package the objects belong to, such as {@code com.example.bpf}: objects are written under its path
     * ({@code com/example/bpf/x.bpf.o}) so that a class of that package can load them as resources, and generated
     * records are put in it. Empty means the root.
     */
    @Parameter(property = "ebpf4j.packageName", defaultValue = "")
    String packageName;

    /** Skips the goal. */
    @Parameter(property = "ebpf4j.skip", defaultValue = "false")
    boolean skip;

    abstract Path sourceDirectory();

    /** The {@code *.bpf.c} files directly in the source directory, sorted by name; empty if the directory is absent. */
    List<Path> sources() throws MojoExecutionException {
        Path dir = sourceDirectory();
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SOURCE_SUFFIX) && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new MojoExecutionException("cannot list BPF sources in " + dir, e);
        }
    }

    /** The package as a relative path ({@code com/example/bpf}), or an empty path for the root package. */
    Path packagePath() {
        String pkg = packageName == null ? "" : packageName.strip();
        if (pkg.isEmpty()) return Path.of("");
        if (!pkg.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
            throw new IllegalArgumentException("packageName '" + pkg + "' is not a Java package name (like com.example.bpf)");
        }
        return Path.of(pkg.replace('.', '/'));
    }

    /** {@code xdp_counter.bpf.c} -> {@code xdp_counter.bpf.o}. */
    static String objectName(Path source) {
        String name = source.getFileName().toString();
        return name.substring(0, name.length() - SOURCE_SUFFIX.length()) + OBJECT_SUFFIX;
    }

    BpfBuilder builder() {
        BpfBuilder builder = BpfBuilder.create();
        if (clang != null && !clang.isBlank()) builder.clang(Path.of(clang));
        if (btf != null) {
            if (!btf.isFile()) throw new IllegalArgumentException("btf file " + btf + " does not exist");
            builder.btf(btf.toPath());
        }
        if (cacheDirectory != null) builder.cacheDirectory(cacheDirectory.toPath());
        for (File dir : includeDirectories) builder.includeDirectory(dir.toPath());
        defines.forEach((k, v) -> builder.define(k, v == null ? "1" : v.strip()));
        for (String flag : compilerFlags) builder.flag(flag);
        return builder;
    }

    /**
     * Compiles every source into {@code outputRoot/<package path>/}; returns the objects in source order.
     *
     * @throws MojoFailureException if clang rejects a source (its errors are logged as {@code file:line:column})
     */
    List<CompiledObject> compileAll(Path outputRoot) throws MojoExecutionException, MojoFailureException {
        List<Path> sources = sources();
        if (sources.isEmpty()) {
            getLog().info("No BPF sources (*" + SOURCE_SUFFIX + ") in " + sourceDirectory());
            return List.of();
        }
        BpfBuilder builder;
        Path dir;
        try {
            builder = builder();
            dir = outputRoot.resolve(packagePath());
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        List<CompiledObject> objects = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path source : sources) {
            try {
                CompiledObject out = builder.compile(source, dir.resolve(objectName(source)));
                for (Diagnostic w : out.warnings()) getLog().warn(w.toString());
                getLog().info((out.cacheHit() ? "Up to date " : "Compiled ") + source.getFileName() + " -> "
                        + out.object() + " (" + out.relocations().size() + " CO-RE relocations)");
                objects.add(out);
            } catch (CompileException e) {
                e.diagnostics().forEach(d -> getLog().error(d.toString()));
                failures.add(summary(source, e));
            } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
                throw new MojoExecutionException("BPF build of " + source + " failed: " + e.getMessage(), e);
            }
        }
        if (!failures.isEmpty()) {
            throw new MojoFailureException("BPF compilation failed:\n" + String.join("\n", failures));
        }
        return objects;
    }

    /** The first lines of a failure: the errors with file:line, or clang's output when it had no parsable errors. */
    static String summary(Path source, CompileException e) {
        List<String> lines = new ArrayList<>();
        for (Diagnostic d : e.diagnostics()) {
            if (!d.severity().equals("warning")) lines.add(d.toString());
        }
        if (lines.isEmpty()) lines.add(source + ": " + e.getMessage());
        return String.join("\n", lines);
    }
}
