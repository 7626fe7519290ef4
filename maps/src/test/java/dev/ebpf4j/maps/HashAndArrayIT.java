package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.KeyExistsException;
import dev.ebpf4j.core.KeyNotFoundException;
import dev.ebpf4j.core.MapFullException;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class HashAndArrayIT {

    @Test
    void hashPutModesAndFullMap() {
        // region hash
        try (BpfHashMap<Integer, Long> m = BpfHashMap.create("t_hash", 2, Codec.s32(), Codec.s64())) {
            assertEquals(Optional.empty(), m.get(1));
            m.put(1, 10L, PutMode.NO_EXIST);
            assertThrows(KeyExistsException.class, () -> m.put(1, 11L, PutMode.NO_EXIST));
            assertThrows(KeyNotFoundException.class, () -> m.put(2, 11L, PutMode.EXIST));
            m.put(1, 12L, PutMode.EXIST);
            assertEquals(Optional.of(12L), m.get(1));
            m.put(2, 20L);
            MapFullException full = assertThrows(MapFullException.class, () -> m.put(3, 30L));
            assertEquals(Errno.E2BIG, full.errno());
            assertTrue(m.remove(1));
            assertFalse(m.remove(1));
            assertEquals(Optional.of(20L), m.lookupAndDelete(2));
            assertEquals(Optional.empty(), m.lookupAndDelete(2));
        }
        // endregion
    }

    @Test
    void primitivePathsMatchBoxedOnes() {
        // region hash-primitive
        try (BpfHashMap<Integer, Long> m = BpfHashMap.create("t_prim", 8, Codec.s32(), Codec.s64())) {
            m.putLong(5, -7);
            assertEquals(Optional.of(-7L), m.get(5));
            assertEquals(-7, m.getLong(5, 99));
            assertEquals(99, m.getLong(6, 99));
            assertThrows(KeyExistsException.class, () -> m.putLong(5, 1, PutMode.NO_EXIST));
        }
        try (BpfHashMap<Long, Long> m = BpfHashMap.create("t_u32", 8, Codec.u32(), Codec.u64())) {
            assertThrows(IllegalArgumentException.class, () -> m.putLong(-1, 1), "u32 key -1 must not wrap silently");
            m.putLong(0xFFFF_FFFFL, -1);
            assertEquals(Optional.of(-1L), m.get(0xFFFF_FFFFL));
        }
        // endregion
    }

    @Test
    void arrayHasFixedSlotsAndRefusesDelete() {
        // region array
        try (ArrayMap<Long> a = ArrayMap.create("t_array", 4, Codec.s64())) {
            assertEquals(Optional.of(0L), a.get(3));
            a.put(3, 9L);
            assertEquals(Optional.of(9L), a.get(3));
            assertThrows(IndexOutOfBoundsException.class, () -> a.get(4));
            assertThrows(IndexOutOfBoundsException.class, () -> a.put(-1, 1L));
            assertThrows(KeyExistsException.class, () -> a.put(0, 1L, PutMode.NO_EXIST));
            BpfException e = assertThrows(BpfException.class, () -> a.remove(0));
            assertEquals(Errno.EINVAL, e.errno());
            assertThrows(NotSupportedException.class, () -> a.lookupAndDelete(0));
            List<Integer> keys = new ArrayList<>();
            a.keys().forEach(keys::add);
            assertEquals(List.of(0, 1, 2, 3), keys);
        }
        // endregion
    }

    @Test
    void mmapArrayReadsAndWritesWithoutSyscalls() {
        // region array-mmap
        MapSpec spec = MapSpec.of(MapType.ARRAY, "t_mmap", 4, 4, 10).withFlags(MapFlag.MMAPABLE);
        try (ArrayMap<Integer> a = ArrayMap.create(spec, Codec.s32())) {
            a.put(7, 77);
            assertEquals(77, a.getMapped(7));
            a.setMapped(2, 22);
            assertEquals(Optional.of(22), a.get(2));
            a.setMappedLong(9, 5);
            assertEquals(5, a.getMappedLong(9));
            assertEquals(8 * 10, a.memory().byteSize() >= 80 ? 80 : -1, "4-byte values use an 8-byte stride");
            var mem = a.memory();
            a.close();
            assertThrows(IllegalStateException.class, () -> mem.get(java.lang.foreign.ValueLayout.JAVA_INT, 0));
        }
        try (ArrayMap<Integer> plain = ArrayMap.create("t_nommap", 2, Codec.s32())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, plain::memory);
            assertTrue(e.getMessage().contains("MMAPABLE"), e.getMessage());
        }
        // endregion
    }

    @Test
    void perCpuValuesAreListsSizedByPossibleCpus() {
        // region percpu
        try (PerCpuHashMap<Integer, Long> m = PerCpuHashMap.create("t_pcpu", 4, Codec.s32(), Codec.s64());
             PerCpuArrayMap<Integer> a = PerCpuArrayMap.create("t_pcpua", 2, Codec.s32())) {
            int cpus = m.cpus();
            assertEquals(dev.ebpf4j.maps.internal.Cpus.possible(), cpus);
            List<Long> values = new ArrayList<>();
            for (int i = 0; i < cpus; i++) values.add(100L + i);
            m.put(1, values);
            assertEquals(Optional.of(values), m.get(1));
            assertThrows(IllegalArgumentException.class, () -> m.put(2, List.of(1L, 2L, 3L, 4L, 5L).subList(0, cpus + 1)));
            assertEquals(Optional.of(Collections.nCopies(cpus, 0)), a.get(1));
            a.put(1, Collections.nCopies(cpus, 3));
            assertEquals(Map.of(0, Collections.nCopies(cpus, 0), 1, Collections.nCopies(cpus, 3)), a.getAll());
        }
        // endregion
    }

    @Test
    void lruNeverExceedsMaxEntries() {
        // region lru
        try (LruHashMap<Integer, Integer> m = LruHashMap.create("t_lru", 32, Codec.s32(), Codec.s32())) {
            for (int i = 0; i < 500; i++) m.put(i, i);
            int n = 0;
            for (Integer k : m.keys()) n++;
            assertTrue(n <= 32 && n > 0, "LRU holds " + n);
            assertEquals(Optional.of(499), m.get(499), "the newest key survives");
        }
        // endregion
    }

    @Test
    void batchOperationsEqualSingleOperations() {
        // region batch
        try (BpfHashMap<Integer, Long> m = BpfHashMap.create("t_batch", 1024, Codec.s32(), Codec.s64())) {
            Map<Integer, Long> in = new LinkedHashMap<>();
            for (int i = 0; i < 600; i++) in.put(i * 3, (long) i);
            m.putAll(in, PutMode.ANY);
            assertEquals(in, m.getAll());
            long[] ks = new long[1024], vs = new long[1024];
            assertEquals(600, m.getAllLong(ks, vs));
            for (int i = 0; i < 600; i++) assertEquals(in.get((int) ks[i]), vs[i]);
            assertEquals(10, m.getAllLong(new long[10], new long[10]), "stops when the arrays are full");
            assertEquals(Optional.of(5L), m.get(15));
            assertThrows(KeyExistsException.class, () -> m.putAll(Map.of(0, 1L), PutMode.NO_EXIST));
            List<Integer> remove = new ArrayList<>(List.of(0, 1, 3, 4, 6));
            assertEquals(3, m.removeAll(remove), "1 and 4 were absent");
            assertEquals(597, m.getAll().size());
        }
        // endregion
    }

    @Test
    void batchPutFromKeyAndValueLists() {
        try (BpfHashMap<Integer, Long> m = BpfHashMap.create("t_lists", 1024, Codec.s32(), Codec.s64())) {
            List<Integer> keys = new ArrayList<>();
            List<Long> values = new ArrayList<>();
            for (int i = 0; i < 700; i++) {
                keys.add(i);
                values.add(i * 10L);
            }
            keys.add(5);
            values.add(-1L); // a key given twice ends with its last value, as in the kernel's batch
            m.putAll(keys, values, PutMode.ANY);
            assertEquals(700, m.getAll().size());
            assertEquals(Optional.of(-1L), m.get(5));
            assertEquals(Optional.of(6990L), m.get(699));
            var sizes = assertThrows(IllegalArgumentException.class, () -> m.putAll(List.of(1, 2), List.of(1L), PutMode.ANY));
            assertTrue(sizes.getMessage().contains("2 keys but 1 values"), sizes.getMessage());
            List<Integer> withNull = new ArrayList<>(List.of(900, 901));
            withNull.add(null);
            assertThrows(NullPointerException.class, () -> m.putAll(withNull, List.of(1L, 2L, 3L), PutMode.ANY));
            assertEquals(Optional.empty(), m.get(900), "nothing written when a key is null");
        }
    }

    @Test
    void iterationSurvivesConcurrentDeletion() {
        // region iteration
        try (BpfHashMap<Integer, Integer> m = BpfHashMap.create("t_iter", 256, Codec.s32(), Codec.s32())) {
            for (int i = 0; i < 200; i++) m.put(i, i);
            Set<Integer> seen = new HashSet<>();
            int returned = 0;
            for (Map.Entry<Integer, Integer> e : m.entries()) {
                returned++;
                assertTrue(seen.add(e.getKey()), "key " + e.getKey() + " returned twice");
                m.remove(e.getKey());           // delete the key the iterator stands on
                if (e.getKey() % 2 == 0) m.remove(e.getKey() + 1);
            }
            assertTrue(returned > 0);
            assertFalse(m.keys().iterator().hasNext(), "every key was either returned and deleted or deleted ahead");
        }
        // endregion
    }

    @Test
    void freezeMakesTheMapReadOnlyForUserSpace() {
        try (ArrayMap<Integer> a = ArrayMap.create("t_freeze", 2, Codec.s32())) {
            a.put(0, 1);
            a.freeze();
            BpfException e = assertThrows(BpfException.class, () -> a.put(0, 2));
            assertEquals(Errno.EPERM, e.errno());
            assertEquals(Optional.of(1), a.get(0));
        }
    }

    @Test
    void badInputIsATypedExceptionNeverACrash() {
        BpfHashMap<Integer, Long> m = BpfHashMap.create("t_bad", 4, Codec.s32(), Codec.s64());
        assertThrows(NullPointerException.class, () -> m.get(null));
        assertThrows(NullPointerException.class, () -> m.put(1, null));
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> BpfHashMap.create(MapSpec.of(MapType.HASH, "t_bad2", 8, 8, 4), Codec.s32(), Codec.s64()));
        assertTrue(size.getMessage().contains("key size 8"), size.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> ArrayMap.create(MapSpec.of(MapType.HASH, "t_bad3", 4, 8, 4), Codec.s64()));
        assertTrue(type.getMessage().contains("HASH"), type.getMessage());
        m.close();
        m.close();
        assertTrue(m.isClosed());
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> m.get(1));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        try (BpfHashMap<Integer, Integer> u8 = BpfHashMap.create("t_u8", 4, Codec.s32(), Codec.u8())) {
            IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> u8.put(1, 300));
            assertTrue(big.getMessage().contains("u8"), big.getMessage());
        }
    }
}
