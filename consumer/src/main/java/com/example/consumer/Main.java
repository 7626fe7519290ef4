package com.example.consumer;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.build.CompiledObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Compiles the BPF C shipped in this jar with ebpf4j's CO-RE builder, loads it into the kernel and prints what got
 * created. Nothing native is installed: libbpf comes inside the ebpf4j-core jar; compiling needs clang.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("ebpf4j-consumer");
        try {
            Path source = work.resolve("count.bpf.c");
            try (InputStream in = Main.class.getResourceAsStream("count.bpf.c")) {
                if (in == null) throw new IllegalStateException("count.bpf.c is missing from the jar");
                Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
            }
            // region compile-and-load
            CompiledObject compiled = BpfBuilder.create().compile(source, work.resolve("count.bpf.o"));
            System.out.printf("compiled %s (%s, %d CO-RE relocations)%n", source.getFileName(),
                    compiled.cacheHit() ? "cached" : "clang", compiled.relocations().size());
            try (BpfObject object = BpfObject.open(compiled.object()).load()) {
                for (ProgramHandle p : object.programs()) {
                    System.out.printf("program %s: %s, %d instructions, fd %d%n", p.name(), p.type(), p.instructionCount(), p.fd());
                }
                for (MapHandle m : object.maps()) {
                    System.out.printf("map %s: %s, key %d B, value %d B, max %d entries, fd %d%n", m.name(), m.type(),
                            m.keySize(), m.valueSize(), m.maxEntries(), m.fd());
                }
            }
            // endregion
        } finally {
            try (var files = Files.walk(work)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
