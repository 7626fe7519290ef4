package dev.ebpf4j.core.spi;

import java.nio.file.Path;
import java.util.Optional;

// The package javadoc's example, compiled with the tests so it cannot drift from the API.
// @start region="example"
// META-INF/services/dev.ebpf4j.core.spi.LibbpfLocator names this class
public final class DistroLibbpf implements LibbpfLocator {
    public Optional<Path> locate() {
        return Optional.of(Path.of("/usr/lib/x86_64-linux-gnu/libbpf.so.1"));
    }
}
// @end
