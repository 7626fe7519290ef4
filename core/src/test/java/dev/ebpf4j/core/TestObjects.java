package dev.ebpf4j.core;

import dev.ebpf4j.core.build.BpfBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compiles the BPF sources under src/test/bpf into a temporary directory (cached by BpfBuilder). */
public final class TestObjects {
    private static final Path SOURCES = Path.of("src/test/bpf");
    private static Path output;

    private TestObjects() {}

    public static synchronized Path compile(String name) {
        try {
            if (output == null) output = Files.createTempDirectory("ebpf4j-core-test");
            Path object = output.resolve(name + ".bpf.o");
            if (!Files.exists(object)) BpfBuilder.create().compile(SOURCES.resolve(name + ".bpf.c"), object);
            return object;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(compile(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
