package dev.ebpf4j.core.btf;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class BtfTest {
    static Btf kernel;

    @BeforeAll
    static void readKernelBtf() {
        kernel = Btf.kernel();
    }

    @Test
    void kernelStructsHaveTheirKnownLayout() {
        int iphdr = kernel.findId("iphdr", BtfKind.STRUCT).orElseThrow();
        assertEquals(20, kernel.sizeOf(iphdr));
        var members = ((BtfType.Struct) kernel.type(iphdr)).members();
        Map<String, Integer> offsets = members.stream().filter(m -> !m.name().isEmpty())
                .collect(Collectors.toMap(BtfType.Member::name, BtfType.Member::byteOffset));
        assertEquals(1, offsets.get("tos"));
        assertEquals(9, offsets.get("protocol"));
        int ethhdr = kernel.findId("ethhdr", BtfKind.STRUCT).orElseThrow();
        assertEquals(14, kernel.sizeOf(ethhdr));
        assertEquals("struct ethhdr", kernel.describe(ethhdr));
    }

    @Test
    void ourEnumsMatchTheKernelsNumbering() {
        assertEnumMatches("bpf_map_type", "BPF_MAP_TYPE_", MapType.values(), MapType::name, MapType::value);
        assertEnumMatches("bpf_prog_type", "BPF_PROG_TYPE_", ProgramType.values(), ProgramType::name, ProgramType::value);
        assertEnumMatches("bpf_attach_type", "BPF_", AttachType.values(), AttachType::name, AttachType::value);
    }

    private static <E> void assertEnumMatches(String cEnum, String prefix, E[] values, Function<E, String> name,
                                              Function<E, Integer> value) {
        var type = (BtfType.Enum) kernel.type(kernel.findId(cEnum, BtfKind.ENUM).orElseThrow());
        Map<String, Long> kernelValues = type.values().stream()
                .collect(Collectors.toMap(BtfType.EnumValue::name, BtfType.EnumValue::value));
        for (E e : values) {
            Long k = kernelValues.get(prefix + name.apply(e));
            if (k == null) continue; // newer than this kernel
            assertEquals(k.intValue(), value.apply(e), prefix + name.apply(e));
        }
        assertTrue(Arrays.stream(values).filter(e -> kernelValues.containsKey(prefix + name.apply(e))).count() > values.length / 2,
                "most of " + cEnum + " found under prefix " + prefix);
    }

    @Test
    void truncatedBtfFailsCleanlyAtEveryLength() {
        byte[] small = smallBtf();
        for (int len = 0; len < small.length; len++) {
            byte[] cut = Arrays.copyOf(small, len);
            assertThrows(BtfFormatException.class, () -> Btf.parse(cut), "length " + len);
        }
        assertTrue(Btf.parse(small).typeCount() > 1);
    }

    @Test
    void mutatedBtfNeverFailsWithAnythingButBtfFormatException() {
        byte[] small = smallBtf();
        Random random = new Random(42);
        for (int i = 0; i < 5_000; i++) {
            byte[] mutated = small.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            try {
                Btf.parse(mutated);
            } catch (BtfFormatException expected) {
                // fine: reported as bad BTF
            } catch (RuntimeException e) {
                fail("mutation " + i + " escaped as " + e, e);
            }
        }
    }

    /** A small but varied BTF blob: the test object's (structs, enums via vmlinux types it uses, datasecs, funcs). */
    private static byte[] smallBtf() {
        try (var spec = dev.ebpf4j.core.BpfObject.open(dev.ebpf4j.core.TestObjects.compile("globals"))) {
            return spec.btf().orElseThrow().rawBytes();
        }
    }
}
