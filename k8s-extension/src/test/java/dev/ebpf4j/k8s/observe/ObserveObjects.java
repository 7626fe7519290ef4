package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.core.build.BpfBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compiles the observe_*.bpf.c datapath sources from bpf-src into a temporary directory (cached by BpfBuilder). */
public final class ObserveObjects {
    public static final Path SOURCES = Path.of("../bpf-src/src/main/bpf");
    private static Path output;

    private ObserveObjects() {}

    public static synchronized Path compile(String name) {
        try {
            if (output == null) output = Files.createTempDirectory("ebpf4j-observe-test");
            Path object = output.resolve(name + ".bpf.o");
            if (!Files.exists(object)) BpfBuilder.create().compile(SOURCES.resolve(name + ".bpf.c"), object);
            return object;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
