package dev.ebpf4j.core.build;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemoryLayout;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generates records from a compiled test object, compiles them with javac, and checks their layout byte by byte
 * against the C offsets (clang's BTF is the reference).
 */
class JavaTypeGeneratorTest {
    @TempDir
    static Path dir;
    static JavaTypeGenerator.Result result;
    static ClassLoader loader;

    @BeforeAll
    static void generateAndCompile() throws Exception {
        Path object = dir.resolve("record_types.bpf.o");
        BpfBuilder.create().compile(Path.of("src/test/bpf/record_types.bpf.c"), object);
        result = JavaTypeGenerator.forObject(object).packageName("gen.types").generate();
        Path src = dir.resolve("src"), classes = dir.resolve("classes");
        List<String> args = new ArrayList<>(List.of("--release", "22", "-Xlint:all", "-Werror", "-d", classes.toString()));
        for (JavaSource s : result.sources()) args.add(s.writeTo(src).toString());
        args.add(probe(src).toString());
        // java.util.spi.ToolProvider, not javax.tools: core's tests are compiled into module dev.ebpf4j.core.
        StringWriter errors = new StringWriter();
        PrintWriter err = new PrintWriter(errors);
        int rc = java.util.spi.ToolProvider.findFirst("javac").orElseThrow().run(err, err, args.toArray(String[]::new));
        assertEquals(0, rc, "generated code must compile cleanly:\n" + errors);
        loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, JavaTypeGeneratorTest.class.getClassLoader());
    }

    @Test
    void generatesARecordPerMapStructAndConstantsPerEnum() {
        assertEquals(List.of("GenAnon", "GenColor", "GenInner", "GenKey", "GenValue"),
                result.sources().stream().map(JavaSource::className).toList());
        assertTrue(result.sources().stream().allMatch(s -> s.packageName().equals("gen.types")));
    }

    @Test
    void notesSayWhatWasSkippedOrKeptAsBytes() {
        String notes = String.join("\n", result.notes());
        assertTrue(notes.contains("struct gen_bits: not generated, member 'low' is a bitfield"), notes);
        assertTrue(notes.contains("the value of map unioned is union gen_union: unions are not generated"), notes);
        assertTrue(notes.contains("union member 'ip' kept as byte[16]"), notes);
    }

    @Test
    void sizesMatchTheCStructs() throws Exception {
        assertEquals(72, bytes("GenKey"));
        assertEquals(4, bytes("GenInner"));
        assertEquals(32, bytes("GenValue"));
        assertEquals(4, bytes("GenAnon"));
        for (String c : List.of("GenKey", "GenInner", "GenValue", "GenAnon")) {
            MemoryLayout layout = (MemoryLayout) loader.loadClass("gen.types." + c).getField("LAYOUT").get(null);
            assertEquals(bytes(c), layout.byteSize(), c + ".LAYOUT");
        }
    }

    @Test
    void javadocShowsOffsetsAndPadding() {
        String key = source("GenKey");
        assertTrue(key.contains("*      0     1  __u8 family"), key);
        assertTrue(key.contains("*      1     3  (padding)"), key);
        assertTrue(key.contains("*     24    12  __u32 ports[3]"), key);
        assertTrue(key.contains("*     69     3  (padding)"), key);
        assertTrue(key.contains("*     42     4  struct {...} pair"), key);
        assertTrue(key.contains("@param addr {@code __be32 addr} at offset 4: big-endian"), key);
        assertTrue(key.contains("@param cookie {@code __u64 cookie} at offset 16: unsigned in C"), key);
        assertTrue(key.contains("the key of map {@code keyed}"), key);
        assertTrue(source("GenValue").contains("6 elements (C dimensions flattened)"));
    }

    @Test
    void writeLaysOutEveryMemberAtItsCOffsetAndZeroesPadding() throws Exception {
        @SuppressWarnings("unchecked")
        Supplier<byte[]> probe = (Supplier<byte[]>) loader.loadClass("gen.types.Probe").getConstructor().newInstance();
        ByteBuffer b = ByteBuffer.wrap(probe.get()).order(ByteOrder.nativeOrder());
        assertEquals(72, b.capacity());
        assertEquals(2, b.get(0));
        assertEquals(0, b.get(1) | b.get(2) | b.get(3), "padding after family");
        assertEquals(0x0100007f, b.getInt(4));
        assertEquals(80, b.getShort(8));
        assertEquals(6, b.get(10));
        assertEquals(0, b.get(11), "padding inside gen_inner");
        assertEquals(0, b.getInt(12), "padding before cookie");
        assertEquals(42L, b.getLong(16));
        assertEquals(List.of(1, 2, 3), List.of(b.getInt(24), b.getInt(28), b.getInt(32)));
        assertEquals('a', b.get(36));
        assertEquals(7, b.getShort(42));
        assertEquals(8, b.getShort(44));
        assertEquals(0xffffffff, b.getInt(48));
        assertEquals(9, b.get(52));
        assertEquals(1, b.get(68));
        assertEquals(0, b.get(69) | b.get(70) | b.get(71), "tail padding");
    }

    @Test
    void enumConstantsKeepTheirValuesAndNames() throws Exception {
        Class<?> color = loader.loadClass("gen.types.GenColor");
        assertEquals(-1, color.getField("GEN_BLUE").getInt(null));
        assertEquals(java.util.Optional.of("GEN_GREEN"), color.getMethod("name", long.class).invoke(null, 2L));
    }

    @Test
    void arrayLengthsAreChecked() throws Exception {
        var ctor = loader.loadClass("gen.types.GenValue").getConstructors()[0];
        Class<?> inner = loader.loadClass("gen.types.GenInner");
        Object hops = java.lang.reflect.Array.newInstance(inner, 1);
        var e = assertThrows(java.lang.reflect.InvocationTargetException.class, () -> ctor.newInstance(1L, hops, new short[6]));
        assertEquals("hops must have 2 elements, got 1", e.getCause().getMessage());
    }

    @Test
    void objectWithoutBtfIsRejectedClearly() {
        byte[] notElf = new byte[64];
        assertThrows(IllegalArgumentException.class, () -> JavaTypeGenerator.forObject(notElf, "junk.o"));
    }

    private static int bytes(String className) throws Exception {
        return loader.loadClass("gen.types." + className).getField("BYTES").getInt(null);
    }

    private static String source(String className) {
        return result.sources().stream().filter(s -> s.className().equals(className)).findFirst().orElseThrow().code();
    }

    /** Uses the generated API the way a user would; compiled together with it. */
    private static Path probe(Path src) throws Exception {
        Path file = src.resolve("gen/types/Probe.java");
        Files.writeString(file, """
                package gen.types;

                import java.lang.foreign.MemorySegment;
                import java.util.Arrays;
                import java.util.function.Supplier;

                public class Probe implements Supplier<byte[]> {
                    @Override
                    public byte[] get() {
                        byte[] ip = new byte[16];
                        ip[0] = 9;
                        GenKey key = new GenKey((byte) 2, 0x0100007f, new GenInner((short) 80, (byte) 6), 42L,
                                new int[] {1, 2, 3}, new byte[] {'a', 'b', 'c', 'd', 0}, new GenKey.Pair((short) 7, (short) 8),
                                GenColor.GEN_BLUE, ip, true);
                        byte[] out = new byte[GenKey.BYTES];
                        Arrays.fill(out, (byte) 0x55);
                        MemorySegment segment = MemorySegment.ofArray(out);
                        key.write(segment, 0);
                        GenKey back = GenKey.read(segment, 0);
                        if (!back.equals(key) || back.hashCode() != key.hashCode()) {
                            throw new AssertionError("round trip changed " + key + " into " + back);
                        }
                        return out;
                    }
                }
                """);
        return file;
    }
}
