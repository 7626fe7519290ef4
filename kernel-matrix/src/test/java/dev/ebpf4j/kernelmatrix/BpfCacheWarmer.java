package dev.ebpf4j.kernelmatrix;

import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.build.CompileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Compiles every module's {@code src/test/bpf/*.bpf.c} on the host before a guest boots. The guest sees the host's
 * BpfBuilder cache read-only and passes the host's BTF, so its compile calls (with the default options) become cache
 * hits instead of clang runs under emulation.
 */
final class BpfCacheWarmer {
    private BpfCacheWarmer() {}

    static void warm(Path repository) throws IOException {
        Path out = Files.createTempDirectory("ebpf4j-warm");
        try (Stream<Path> modules = Files.list(repository)) {
            for (Path dir : modules.map(m -> m.resolve("src/test/bpf")).filter(Files::isDirectory).toList()) {
                for (Path source : sources(dir)) {
                    try {
                        BpfBuilder.create().compile(source, out.resolve(source.getFileName() + ".o"));
                    } catch (CompileException e) {
                        // Sources that fail on purpose (diagnostic tests) fail in the guest the same way.
                    }
                }
            }
        } finally {
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(out);
        }
    }

    private static List<Path> sources(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".bpf.c")).sorted().toList();
        }
    }
}
