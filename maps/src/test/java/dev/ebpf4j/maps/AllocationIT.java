package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.*;

/** The primitive hot paths allocate nothing once compiled (measured on this thread, after a warm-up). */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class AllocationIT {
    private static final java.lang.reflect.Method CURRENT_ALLOCATED;

    static {
        try {
            // com.sun.management.ThreadMXBean, reached reflectively: the test module does not read jdk.management.
            CURRENT_ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static long allocated() {
        try {
            return (long) CURRENT_ALLOCATED.invoke(ManagementFactory.getThreadMXBean());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void getLongPutLongAndMmapReadsAllocateNothing() {
        try (BpfHashMap<Integer, Long> hash = BpfHashMap.create("t_alloc", 1024, Codec.s32(), Codec.s64());
             ArrayMap<Long> array = ArrayMap.create(MapSpec.of(MapType.ARRAY, "t_alloca", 4, 8, 256).withFlags(MapFlag.MMAPABLE), Codec.s64())) {
            long sink = 0;
            double perOp = Double.MAX_VALUE;
            // Repeat until compiled code runs (C2 may take a few rounds on a loaded machine); keep the best round.
            for (int round = 0; round < 12 && perOp > 0.01; round++) {
                long before = allocated();
                for (int i = 0; i < 50_000; i++) {
                    int k = i & 1023;
                    hash.putLong(k, i);
                    sink += hash.getLong(k, 0);
                    sink += array.getLong(i & 255, 0);
                    sink += array.getMappedLong(i & 255);
                }
                perOp = Math.min(perOp, (allocated() - before) / 200_000.0);
            }
            assertTrue(sink != 42);
            assertEquals(0.0, perOp, 0.01, "bytes allocated per primitive operation");
        }
    }
}
