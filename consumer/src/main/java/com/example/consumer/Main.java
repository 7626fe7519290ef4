package com.example.consumer;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.build.CompiledObject;
import dev.ebpf4j.maps.ArrayMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.SocketFilterProgram;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Compiles the BPF C shipped in this jar with ebpf4j's CO-RE builder, loads it into the kernel, prints what got
 * created, then attaches its socket filter to a loopback UDP socket of its own, sends itself datagrams and reads the
 * count back from the map. Nothing native is installed: libbpf comes inside the ebpf4j-core jar; compiling needs clang.
 * Exits with status 1 if the count is wrong.
 */
public final class Main {
    private static final int SENT = 5;

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
                attachAndRead(object);
            }
            // endregion
        } finally {
            try (var files = Files.walk(work)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** Attaches the socket filter to a loopback UDP socket, sends it datagrams, and reads the count from the map. */
    private static void attachAndRead(BpfObject object) throws IOException {
        // region attach-and-read
        ArrayMap<Long> datagrams = ArrayMap.of(object.map("datagrams"), Codec.u64());
        SocketFilterProgram filter = SocketFilterProgram.of(object.program("count_socket"));
        try (DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Link link = filter.attach(socket)) {
            for (int i = 0; i < SENT; i++) socket.send(ByteBuffer.wrap(("hello " + i).getBytes()), socket.getLocalAddress());
            for (int i = 0; i < SENT; i++) socket.receive(ByteBuffer.allocate(64));
            long counted = datagrams.get(0).orElseThrow();
            System.out.printf("socket filter %s counted %d of %d datagrams%n", link.info(), counted, SENT);
            if (counted != SENT) System.exit(1);
        }
        // endregion
    }
}
