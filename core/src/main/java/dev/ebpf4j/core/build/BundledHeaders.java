package dev.ebpf4j.core.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** libbpf's BPF-side headers, shipped in the core jar beside the bundled libbpf, extracted for clang. */
final class BundledHeaders {
    static final List<String> HEADERS = List.of("bpf_helpers.h", "bpf_helper_defs.h", "bpf_tracing.h",
            "bpf_core_read.h", "bpf_endian.h", "usdt.bpf.h");
    private static final String RESOURCE = "/dev/ebpf4j/core/include/bpf/";

    private BundledHeaders() {}

    /** Extracts into {@code root/<version>/bpf/} once and returns {@code root/<version>}. */
    static Path extract(Path root) {
        try {
            Path base = root.resolve("libbpf-" + version());
            Path bpf = base.resolve("bpf");
            if (Files.isRegularFile(bpf.resolve(HEADERS.getLast()))) return base;
            Files.createDirectories(bpf);
            for (String header : HEADERS) {
                try (InputStream in = BundledHeaders.class.getResourceAsStream(RESOURCE + header)) {
                    if (in == null) throw new IllegalStateException("header " + header + " missing from the ebpf4j-core jar");
                    Path tmp = Files.createTempFile(bpf, header, ".part");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, bpf.resolve(header), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract libbpf headers under " + root, e);
        }
    }

    private static String version() throws IOException {
        try (InputStream in = BundledHeaders.class.getResourceAsStream("/dev/ebpf4j/core/native/linux-x86_64/libbpf.properties")) {
            if (in == null) return "unknown";
            var props = new java.util.Properties();
            props.load(in);
            return props.getProperty("libbpf.version", "unknown").replaceAll("[^A-Za-z0-9.+-]", "_");
        }
    }
}
