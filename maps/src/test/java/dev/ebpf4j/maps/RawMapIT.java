package dev.ebpf4j.maps;

import dev.ebpf4j.core.KeyExistsException;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.PermissionException;
import dev.ebpf4j.core.features.Features;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** RawMap on real kernel maps: copy between maps (batched and key by key), iteration, refusals, read-only pins, ids. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class RawMapIT {
    private Path pins;

    @BeforeEach
    void pinDir() throws Exception {
        Path root = Path.of("/sys/fs/bpf");
        if (!Features.bpffsMounted(root)) {
            assertEquals(0, new ProcessBuilder("mount", "-t", "bpf", "bpf", root.toString()).inheritIO().start().waitFor());
        }
        pins = Files.createDirectories(root.resolve("e4j-rawmap-" + Integer.toHexString(ThreadLocalRandom.current().nextInt())));
    }

    @AfterEach
    void removePins() throws Exception {
        try (Stream<Path> s = Files.walk(pins)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static byte[] s32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    @Test
    void copiesEveryEntryBetweenTwoHashMapsInBatches() {
        // region raw-copy
        try (BpfHashMap<Integer, Long> from = BpfHashMap.create("raw_from", 20_000, Codec.s32(), Codec.s64());
             BpfHashMap<Integer, Long> to = BpfHashMap.create("raw_to", 20_000, Codec.s32(), Codec.s64())) {
            Map<Integer, Long> expected = new HashMap<>();
            for (int i = 0; i < 10_000; i++) expected.put(i, i * 3L + 1);
            from.putAll(expected, PutMode.ANY);
            from.pin(pins.resolve("from"));
            try (RawMap src = RawMap.openPinned(pins.resolve("from")); RawMap dst = RawMap.openPinned(pinned(to, "to"))) {
                assertEquals(4, src.keySize());
                assertEquals(8, src.valueBytes());
                assertEquals(10_000, src.copyTo(dst, PutMode.ANY));
            }
            assertEquals(expected, to.getAll());
        }
        // endregion
    }

    private Path pinned(BpfMap m, String name) {
        Path p = pins.resolve(name);
        m.pin(p);
        return p;
    }

    @Test
    void noExistKeepsWhatTheTargetHas() {
        try (BpfHashMap<Integer, Long> from = BpfHashMap.create("raw_from", 16, Codec.s32(), Codec.s64());
             BpfHashMap<Integer, Long> to = BpfHashMap.create("raw_to", 16, Codec.s32(), Codec.s64())) {
            from.putAll(Map.of(1, 10L, 2, 20L, 3, 30L), PutMode.ANY);
            to.put(2, 99L);
            try (RawMap src = RawMap.openPinned(pinned(from, "from")); RawMap dst = RawMap.openPinned(pinned(to, "to"))) {
                assertEquals(2, src.copyTo(dst, PutMode.NO_EXIST), "entries 1 and 3 written, 2 kept");
                assertThrows(KeyExistsException.class, () -> dst.put(s32(2), new byte[8], PutMode.NO_EXIST));
            }
            assertEquals(Map.of(1, 10L, 2, 99L, 3, 30L), to.getAll());
        }
    }

    @Test
    void copiesPerCpuValuesOfEveryCpuAndLpmTriesKeyByKey() {
        try (PerCpuHashMap<Integer, Long> from = PerCpuHashMap.create("raw_pcpu_a", 8, Codec.s32(), Codec.s64());
             PerCpuHashMap<Integer, Long> to = PerCpuHashMap.create("raw_pcpu_b", 8, Codec.s32(), Codec.s64())) {
            int cpus = dev.ebpf4j.core.inspect.KernelObjects.possibleCpus();
            List<Long> perCpu = new ArrayList<>();
            for (int c = 0; c < cpus; c++) perCpu.add(100L + c);
            from.put(7, perCpu);
            try (RawMap src = RawMap.openPinned(pinned(from, "a")); RawMap dst = RawMap.openPinned(pinned(to, "b"))) {
                assertEquals(8 * cpus, src.valueBytes());
                assertEquals(cpus, src.cpuSlots());
                assertEquals(1, src.copyTo(dst, PutMode.ANY));
            }
            assertEquals(perCpu, to.get(7).orElseThrow());
        }
        MapSpec lpm = MapSpec.of(MapType.LPM_TRIE, "raw_lpm", 8, 4, 16).withFlags(MapFlag.NO_PREALLOC);
        try (RawMap a = RawMap.openPinned(create(lpm, "lpm_a")); RawMap b = RawMap.openPinned(create(lpm, "lpm_b"))) {
            byte[] key = {24, 0, 0, 0, 10, 1, 2, 0};
            a.put(key, s32(5));
            assertEquals(1, a.copyTo(b, PutMode.ANY), "LPM tries have no batch lookup: copied key by key");
            assertArrayEquals(s32(5), b.get(key).orElseThrow());
        }
    }

    private Path create(MapSpec spec, String name) {
        Path p = pins.resolve(name);
        MapFd.create(spec.withPinPath(p)).close();
        return p;
    }

    @Test
    void refusesACopyBetweenMapsOfDifferentLayoutNamingTheMismatch() {
        // region raw-mismatch
        try (BpfHashMap<Integer, Long> from = BpfHashMap.create("raw_small", 4, Codec.s32(), Codec.s64());
             BpfHashMap<Integer, byte[]> to = BpfHashMap.create("raw_wide", 4, Codec.s32(), Codec.bytes(16));
             PerCpuHashMap<Integer, Long> pcpu = PerCpuHashMap.create("raw_pcpu", 4, Codec.s32(), Codec.s64())) {
            from.put(1, 1L);
            try (RawMap src = RawMap.openPinned(pinned(from, "small")); RawMap dst = RawMap.openPinned(pinned(to, "wide"));
                 RawMap p = RawMap.openPinned(pinned(pcpu, "pcpu"))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> src.copyTo(dst, PutMode.ANY));
                assertTrue(e.getMessage().contains("value size 8 B vs 16 B"), e.getMessage());
                assertTrue(e.getMessage().contains("raw_small") && e.getMessage().contains("raw_wide"), e.getMessage());
                IllegalArgumentException shared = assertThrows(IllegalArgumentException.class, () -> src.copyTo(p, PutMode.ANY));
                assertTrue(shared.getMessage().contains("shared values vs per-CPU values"), shared.getMessage());
                assertEquals(0, to.getAll().size(), "nothing copied");
                assertThrows(IllegalArgumentException.class, () -> src.put(new byte[3], new byte[8], PutMode.ANY));
            }
        }
        // endregion
    }

    @Test
    void iteratesWalksWithALimitAndReadsReadOnlyPinsAndIds() {
        // region raw-iterate
        try (BpfHashMap<Integer, Long> m = BpfHashMap.create("raw_iter", 64, Codec.s32(), Codec.s64())) {
            for (int i = 0; i < 50; i++) m.put(i, (long) i);
            Path pin = pinned(m, "iter");
            try (RawMap ro = RawMap.openPinnedReadOnly(pin)) {
                List<Integer> keys = new ArrayList<>();
                ro.forEach((k, v) -> {
                    int key = k.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
                    assertEquals(key, v.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
                    keys.add(key);
                });
                assertEquals(50, keys.size());
                assertEquals(50, new java.util.HashSet<>(keys).size(), "no key twice");
                assertEquals(10, ro.entries(10).size());
                assertEquals(50, ro.countKeys(1000));
                assertThrows(PermissionException.class, () -> ro.put(s32(1), new byte[8], PutMode.ANY),
                        "a read-only fd refuses updates");
                int id = ro.id();
                try (RawMap byId = RawMap.openById(id)) {
                    assertEquals("raw_iter", byId.name());
                    assertEquals(id, byId.id());
                    assertEquals(50, byId.countKeys(1000));
                }
            }
        }
        // endregion
    }

    @Test
    void refusesMapsWithoutKeysSayingWhichClassReadsThem() {
        try (RingBuffer rb = RingBuffer.create("raw_rb", 4096)) {
            Path pin = pinned(rb, "rb");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RawMap.openPinned(pin));
            assertTrue(e.getMessage().contains("has no keys"), e.getMessage());
        }
    }
}
