package dev.ebpf4j.core.build;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.VmlinuxHeader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles BPF C into CO-RE objects: {@code clang -target bpf -g -O2 -D__TARGET_ARCH_x86}, with a {@code vmlinux.h}
 * generated from kernel BTF and libbpf's BPF headers ({@code bpf/bpf_helpers.h} and friends, bundled in the core jar)
 * on the include path. Results are cached by the content of the source, every header it included, the flags and the
 * compiler; a cache hit does not run clang.
 *
 * {@snippet :
 * CompiledObject out = BpfBuilder.create()
 *         .define("MAX_BACKENDS", "64")
 *         .compile(Path.of("src/main/bpf/lb.bpf.c"), Path.of("target/classes/lb.bpf.o"));
 * out.relocations().forEach(System.out::println);
 * }
 *
 * <p>Configure, then compile; not thread-safe while being configured. Needs clang 14 or newer.
 */
public final class BpfBuilder {
    private static final Pattern DIAGNOSTIC = Pattern.compile("^(.+?):(\\d+):(\\d+): (error|fatal error|warning): (.*)$");
    private static final String[] CLANG_NAMES = {"clang", "clang-22", "clang-19", "clang-16", "clang-15", "clang-14"};

    private Path clang;
    private Path btf = Path.of(System.getProperty("ebpf4j.build.btf", Btf.KERNEL_BTF.toString()));
    private Path cacheDirectory = defaultCacheDirectory();
    private final List<Path> includes = new ArrayList<>();
    private final Map<String, String> defines = new LinkedHashMap<>();
    private final List<String> flags = new ArrayList<>();

    private BpfBuilder() {}

    /**
     * A builder with defaults: clang from PATH, the running kernel's BTF (or the file named by the system property
     * {@code ebpf4j.build.btf}), and a cache under {@code ~/.cache/ebpf4j/build} (or {@code ebpf4j.build.cache}).
     */
    public static BpfBuilder create() {
        return new BpfBuilder();
    }

    /** The clang to run (a path or a name on PATH). */
    public BpfBuilder clang(Path compiler) {
        this.clang = compiler;
        return this;
    }

    /** The BTF to make {@code vmlinux.h} from (raw BTF or an ELF with {@code .BTF}); defaults to the running kernel's. */
    public BpfBuilder btf(Path btfFile) {
        this.btf = btfFile;
        return this;
    }

    /** Where generated headers and cached objects live. */
    public BpfBuilder cacheDirectory(Path directory) {
        this.cacheDirectory = directory;
        return this;
    }

    /** An extra include directory, searched before {@code vmlinux.h} and libbpf's headers. */
    public BpfBuilder includeDirectory(Path directory) {
        includes.add(directory);
        return this;
    }

    /** A preprocessor definition, {@code -Dname=value}. */
    public BpfBuilder define(String name, String value) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("not a macro name: " + name);
        defines.put(name, value);
        return this;
    }

    /** An extra clang flag, such as {@code -Wall}. */
    public BpfBuilder flag(String flag) {
        flags.add(flag);
        return this;
    }

    /**
     * Compiles {@code source} to {@code output}.
     *
     * @throws CompileException with clang's diagnostics (file:line) if compilation fails, or if the object has no BTF
     */
    public CompiledObject compile(Path source, Path output) {
        if (!Files.isRegularFile(source)) throw new IllegalArgumentException("no BPF source at " + source);
        try {
            Path compiler = resolveClang();
            BuildCache cache = new BuildCache(cacheDirectory.resolve("objects"));
            List<String> command = command(compiler, source);
            String key = cache.key(source, command, compiler);
            if (cache.hit(key, source)) {
                copy(cache.object(key), output);
                return inspect(output, true, List.of());
            }
            Path depFile = Files.createTempFile(cache.directory(), key, ".d");
            Path tmpObject = Files.createTempFile(cache.directory(), key, ".o.part");
            try {
                List<String> full = new ArrayList<>(command);
                full.addAll(List.of("-MD", "-MF", depFile.toString(), "-c", source.toString(), "-o", tmpObject.toString()));
                String stderr = run(full);
                List<Diagnostic> diagnostics = diagnostics(stderr);
                cache.store(key, source, tmpObject, Files.readString(depFile));
                copy(cache.object(key), output);
                return inspect(output, false, diagnostics);
            } finally {
                Files.deleteIfExists(depFile);
                Files.deleteIfExists(tmpObject);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("BPF build of " + source + " failed", e);
        }
    }

    /** The {@code vmlinux.h} for the configured BTF, generated once per BTF content and cached. */
    public Path vmlinuxHeader() {
        try {
            String hash = BuildCache.sha256(Files.readAllBytes(btf)).substring(0, 16);
            Path dir = cacheDirectory.resolve("vmlinux").resolve(hash);
            Path header = dir.resolve("vmlinux.h");
            if (!Files.isRegularFile(header)) {
                Files.createDirectories(dir);
                VmlinuxHeader.write(btf, header);
            }
            return header;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make vmlinux.h from " + btf, e);
        }
    }

    /** The directory holding libbpf's BPF headers ({@code bpf/bpf_helpers.h} ...), extracted from the core jar. */
    public Path libbpfHeaders() {
        return BundledHeaders.extract(cacheDirectory.resolve("include"));
    }

    private List<String> command(Path compiler, Path source) {
        List<String> cmd = new ArrayList<>(List.of(compiler.toString(), "-target", "bpf", "-g", "-O2",
                "-D__TARGET_ARCH_" + targetArch(), "-fno-ident", "-Wno-unused-command-line-argument"));
        defines.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        for (Path include : includes) cmd.add("-I" + include.toAbsolutePath());
        cmd.add("-I" + source.toAbsolutePath().getParent());
        cmd.add("-I" + vmlinuxHeader().getParent());
        cmd.add("-I" + libbpfHeaders());
        cmd.addAll(flags);
        return cmd;
    }

    private static String targetArch() {
        return switch (System.getProperty("os.arch")) {
            case "aarch64", "arm64" -> "arm64";
            default -> "x86";
        };
    }

    private Path resolveClang() {
        if (clang != null) {
            if (clang.getNameCount() > 1 || Files.isExecutable(clang)) return clang;
            Path found = onPath(clang.toString());
            if (found != null) return found;
            throw new IllegalStateException("clang '" + clang + "' not found on PATH");
        }
        for (String name : CLANG_NAMES) {
            Path found = onPath(name);
            if (found != null) return found;
        }
        throw new IllegalStateException("no clang found on PATH (looked for " + String.join(", ", CLANG_NAMES)
                + "); install it with 'apt-get install clang' or set BpfBuilder.clang(path)");
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (InputStream in = process.getInputStream()) {
            String output = new String(in.readAllBytes());
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new CompileException("clang timed out", List.of(), output);
            }
            if (process.exitValue() != 0) {
                List<Diagnostic> diagnostics = diagnostics(output);
                throw new CompileException("clang failed with exit code " + process.exitValue(),
                        diagnostics.stream().filter(d -> !d.severity().equals("warning")).toList(), output);
            }
            return output;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running clang", e);
        }
    }

    static List<Diagnostic> diagnostics(String output) {
        List<Diagnostic> list = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = DIAGNOSTIC.matcher(line);
            if (m.matches()) {
                list.add(new Diagnostic(Path.of(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        m.group(4), m.group(5)));
            }
        }
        return list;
    }

    private static CompiledObject inspect(Path object, boolean cacheHit, List<Diagnostic> warnings) throws IOException {
        byte[] elf = Files.readAllBytes(object);
        if (!ElfSections.read(elf).containsKey(".BTF")) {
            throw new CompileException(object + " has no .BTF section: CO-RE needs BTF (clang -g, clang 10 or newer)",
                    List.of(), "");
        }
        return new CompiledObject(object, cacheHit, warnings, CoreRelocation.read(elf));
    }

    private static void copy(Path from, Path to) throws IOException {
        Path parent = to.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, to.getFileName().toString(), ".part");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path defaultCacheDirectory() {
        String configured = System.getProperty("ebpf4j.build.cache");
        if (configured != null) return Path.of(configured);
        return Path.of(System.getProperty("user.home"), ".cache", "ebpf4j", "build");
    }
}
