package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.Unsigned;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class ObjectMapsIT {
    record Backend(int addr, @Unsigned(bits = 16) int port, @Unsigned(bits = 16) int weight, long hits) {}

    record Shifted(short port, short weight, int addr, long hits) {}

    /** port and weight swapped: same offsets and sizes as struct backend, wrong names. */
    record Swapped(int addr, @Unsigned(bits = 16) int weight, @Unsigned(bits = 16) int port, long hits) {}

    record SnakeCase(int addr, @Unsigned(bits = 16) int port, @Unsigned(bits = 16) int weight, long hits_) {}

    record Short4(int addr, short port, short weight, int hits, int pad) {}

    @RegisterExtension
    static final LoadedTestObject obj = new LoadedTestObject();

    @Test
    void narrowsWithMatchingLayoutAndBorrowsTheFd() {
        // region narrow
        BpfHashMap<Integer, Backend> m = BpfHashMap.of(obj.map("backends"), Codec.s32(), Codec.of(Backend.class));
        assertFalse(m.ownsFd());
        m.put(1, new Backend(0x0a000001, 80, 1, 5));
        assertEquals(Optional.of(new Backend(0x0a000001, 80, 1, 5)), m.get(1));
        m.close(); // ends the view only
        BpfHashMap<Integer, Backend> again = BpfHashMap.of(obj.map("backends"), Codec.s32(), Codec.of(Backend.class));
        assertEquals(80, again.get(1).orElseThrow().port());
        // endregion
    }

    @Test
    void wrongTypeOrSizeIsNamed() {
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> ArrayMap.of(obj.map("backends"), Codec.of(Backend.class)));
        assertTrue(type.getMessage().contains("HASH") && type.getMessage().contains("ARRAY"), type.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> BpfHashMap.of(obj.map("backends"), Codec.s64(), Codec.of(Backend.class)));
        assertTrue(size.getMessage().contains("4-byte key"), size.getMessage());
    }

    @Test
    void btfOffsetMismatchNamesTheFieldAndBothOffsets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpfHashMap.of(obj.map("backends"), Codec.s32(), Codec.of(Shifted.class)));
        assertTrue(e.getMessage().contains("codec field 'port' is at offset 0 (2 B)")
                && e.getMessage().contains("BTF member 'addr' of struct backend is at offset 0 (4 B)"), e.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> BpfHashMap.of(obj.map("backends"), Codec.s32(), Codec.of(Short4.class)));
        assertTrue(count.getMessage().contains("hits"), count.getMessage());
    }

    @Test
    void swappedSameSizeFieldsAreRefusedByName() {
        // region btf-names
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpfHashMap.of(obj.map("backends"), Codec.s32(), Codec.of(Swapped.class)));
        assertTrue(e.getMessage().contains("codec field 'weight' at offset 4 (2 B) is BTF member 'port' of struct backend"),
                e.getMessage());
        try (BpfHashMap<Integer, SnakeCase> ok = BpfHashMap.of(obj.map("backends"), Codec.s32(), Codec.of(SnakeCase.class))) {
            ok.put(7, new SnakeCase(1, 2, 3, 4));
            assertEquals(Optional.of(new SnakeCase(1, 2, 3, 4)), ok.get(7), "names compare without '_' and case");
        }
        // endregion
    }

    @Test
    void pinOpenPinnedAndCompatibilityCheck() throws Exception {
        TestObjects.ensureBpffs();
        Path pin = Path.of("/sys/fs/bpf/e4j-maps-pin-" + ProcessHandle.current().pid());
        MapSpec spec = MapSpec.of(MapType.HASH, "t_pinned", 4, 8, 16).withPinPath(pin);
        try (BpfHashMap<Integer, Long> first = BpfHashMap.create(spec, Codec.s32(), Codec.s64())) {
            first.put(3, 33L);
            try (BpfHashMap<Integer, Long> second = BpfHashMap.create(spec, Codec.s32(), Codec.s64())) {
                assertEquals(Optional.of(33L), second.get(3), "the pinned map was reopened, not recreated");
            }
            try (BpfHashMap<Integer, Long> byPath = BpfHashMap.openPinned(pin, Codec.s32(), Codec.s64())) {
                assertTrue(byPath.ownsFd());
                assertEquals(Optional.of(33L), byPath.get(3));
            }
            IllegalArgumentException wrongValue = assertThrows(IllegalArgumentException.class,
                    () -> BpfHashMap.openPinned(pin, Codec.s32(), Codec.s32()));
            assertTrue(wrongValue.getMessage().contains("8-byte value"), wrongValue.getMessage());
            IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> ArrayMap.openPinned(pin, Codec.s64()));
            assertTrue(wrongType.getMessage().contains("is a HASH map, not ARRAY"), wrongType.getMessage());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BpfHashMap.create(spec.withMaxEntries(32), Codec.s32(), Codec.s64()));
            assertTrue(e.getMessage().contains("max entries 16 (want 32)"), e.getMessage());
            IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                    () -> BpfHashMap.create(spec.withFlags(MapFlag.NO_PREALLOC), Codec.s32(), Codec.s64()));
            assertTrue(f.getMessage().contains("flags [] (want [NO_PREALLOC])"), f.getMessage());
        } finally {
            BpfMap.unpin(pin);
        }
    }
}
