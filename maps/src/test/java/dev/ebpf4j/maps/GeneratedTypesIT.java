package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.build.JavaSource;
import dev.ebpf4j.core.build.JavaTypeGenerator;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Records generated from a map's BTF by {@link JavaTypeGenerator} work as map codecs as they are: no annotations,
 * the BTF layout check passes, and a BPF program finds the entry Java wrote under a key it builds itself, then
 * writes back a changed copy that Java decodes. The generated sources are compiled with javac and used from a small
 * probe class, the way an application would use them.
 */
@ExtendWith(FdLeakCheck.class)
class GeneratedTypesIT {
    private static final String PROBE = """
            package gen.flows;

            import dev.ebpf4j.core.BpfObject;
            import dev.ebpf4j.maps.ArrayMap;
            import dev.ebpf4j.maps.BpfHashMap;
            import dev.ebpf4j.maps.codec.Codec;

            public final class Probe {
                public static GenFlowKey key() {
                    return new GenFlowKey((byte) 2, new int[] {Integer.reverseBytes(0x0a000001), 0, 0, 0},
                            new GenFlowKey.Ports((short) 1234, (short) 80), (byte) 6, new byte[] {'v', 'e', 't', 'h', '0', 0});
                }

                public static GenFlowStats stats() {
                    return new GenFlowStats(41L, new GenHop[] {new GenHop(3, (short) 1500), new GenHop(7, (short) 9000)},
                            new short[] {1, 2, 3, 4, 5, 6});
                }

                public static void put(BpfObject object) {
                    try (var flows = BpfHashMap.of(object.map("flows"), Codec.of(GenFlowKey.class), Codec.of(GenFlowStats.class))) {
                        flows.put(key(), stats());
                        if (!flows.get(key()).orElseThrow().equals(stats())) throw new AssertionError("round trip through the kernel map");
                    }
                }

                public static GenFlowStats copied(BpfObject object) {
                    try (var copied = ArrayMap.of(object.map("copied"), Codec.of(GenFlowStats.class))) {
                        return copied.get(0).orElseThrow();
                    }
                }
            }
            """;

    @Test
    void generatedRecordsAreMapCodecsThatAgreeWithTheBpfProgram(@TempDir Path dir) throws Exception {
        Path object = dir.resolve("generated_types.bpf.o");
        BpfBuilder.create().compile(Path.of("src/test/bpf/generated_types.bpf.c").toAbsolutePath(), object);
        JavaTypeGenerator.Result generated = JavaTypeGenerator.forObject(object).packageName("gen.flows").generate();
        Path src = dir.resolve("src"), classes = dir.resolve("classes");
        List<String> args = new ArrayList<>(List.of("--release", "22", "-d", classes.toString(), "-cp",
                location(BpfObject.class) + java.io.File.pathSeparator + location(Codec.class)));
        for (JavaSource s : generated.sources()) args.add(s.writeTo(src).toString());
        Path probe = src.resolve("gen/flows/Probe.java");
        Files.writeString(probe, PROBE);
        args.add(probe.toString());
        StringWriter errors = new StringWriter();
        int rc = java.util.spi.ToolProvider.findFirst("javac").orElseThrow().run(new PrintWriter(errors), new PrintWriter(errors),
                args.toArray(String[]::new));
        assertEquals(0, rc, "generated code and probe must compile:\n" + errors);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
             BpfObject obj = BpfObject.open(object).load()) {
            Class<?> p = loader.loadClass("gen.flows.Probe");
            Class<?> statsType = loader.loadClass("gen.flows.GenFlowStats");
            assertTrue(Codec.of(statsType).describe().startsWith("generated struct record"), Codec.of(statsType).describe());
            p.getMethod("put", BpfObject.class).invoke(null, obj);
            assertEquals(2, TestObjects.testRun(obj.program("copy_flow"), 1), "the program found the entry (XDP_PASS)");
            Object copied = p.getMethod("copied", BpfObject.class).invoke(null, obj);
            Object expected = statsType.getConstructors()[0].newInstance(42L, hops(loader, 1500, 9001),
                    new short[] {1, 2, 3, 4, 5, 7});
            assertEquals(expected, copied, "the program's changes arrive where the generated record reads them");
        }
    }

    private static Object hops(ClassLoader loader, int mtu0, int mtu1) throws Exception {
        Class<?> hop = loader.loadClass("gen.flows.GenHop");
        Object array = java.lang.reflect.Array.newInstance(hop, 2);
        java.lang.reflect.Array.set(array, 0, hop.getConstructors()[0].newInstance(3, (short) mtu0));
        java.lang.reflect.Array.set(array, 1, hop.getConstructors()[0].newInstance(7, (short) mtu1));
        return array;
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
