package dev.ebpf4j.benchmarks;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.ArrayMap;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.MapFlag;
import dev.ebpf4j.maps.MapSpec;
import dev.ebpf4j.maps.PutMode;
import dev.ebpf4j.maps.codec.Codec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Kernel map operations from Java, the same ones {@code c/map_bench.c} times in C: single lookups and updates
 * (primitive and boxed), batch versus single, and mmap reads versus syscall lookups of an MMAPABLE array.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MapBenchmark {
    static final int HASH_SIZE = 1024, ARRAY_SIZE = 256, BATCH = 256;

    BpfHashMap<Integer, Long> hash;
    BpfHashMap<Integer, Long> batchTarget;
    ArrayMap<Long> array;
    Integer[] boxedKeys = new Integer[HASH_SIZE];
    Long[] boxedValues = new Long[HASH_SIZE];
    Map<Integer, Long> batch = new LinkedHashMap<>();
    int i;

    @Setup(Level.Trial)
    public void setup() {
        hash = BpfHashMap.create("bench_hash", HASH_SIZE, Codec.s32(), Codec.s64());
        batchTarget = BpfHashMap.create("bench_batch", HASH_SIZE, Codec.s32(), Codec.s64());
        array = ArrayMap.create(MapSpec.of(MapType.ARRAY, "bench_array", 4, 8, ARRAY_SIZE).withFlags(MapFlag.MMAPABLE), Codec.s64());
        for (int k = 0; k < HASH_SIZE; k++) {
            boxedKeys[k] = k;
            boxedValues[k] = (long) k;
            hash.putLong(k, k);
        }
        for (int k = 0; k < BATCH; k++) batch.put(k, (long) k);
        for (int k = 0; k < ARRAY_SIZE; k++) array.putLong(k, k);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hash.close();
        batchTarget.close();
        array.close();
    }

    @Benchmark
    public long hashLookup() {
        return hash.getLong(i++ & (HASH_SIZE - 1), -1);
    }

    @Benchmark
    public void hashUpdate() {
        int k = i++ & (HASH_SIZE - 1);
        hash.putLong(k, k);
    }

    @Benchmark
    public Optional<Long> hashLookupBoxed() {
        return hash.get(boxedKeys[i++ & (HASH_SIZE - 1)]);
    }

    @Benchmark
    public void hashUpdateBoxed() {
        int k = i++ & (HASH_SIZE - 1);
        hash.put(boxedKeys[k], boxedValues[k]);
    }

    @Benchmark
    public long arrayLookup() {
        return array.getLong(i++ & (ARRAY_SIZE - 1), -1);
    }

    @Benchmark
    public long arrayMmapRead() {
        return array.getMappedLong(i++ & (ARRAY_SIZE - 1));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void updateSingle256() {
        for (int k = 0; k < BATCH; k++) batchTarget.putLong(k, k);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void updateBatch256() {
        batchTarget.putAll(batch, PutMode.ANY);
    }

    @Benchmark
    @OperationsPerInvocation(HASH_SIZE)
    public long lookupSingle1024() {
        long sum = 0;
        for (int k = 0; k < HASH_SIZE; k++) sum += hash.getLong(k, 0);
        return sum;
    }

    final long[] keysOut = new long[HASH_SIZE], valuesOut = new long[HASH_SIZE];

    @Benchmark
    @OperationsPerInvocation(HASH_SIZE)
    public int lookupBatch1024() {
        return hash.getAllLong(keysOut, valuesOut);
    }

    @Benchmark
    @OperationsPerInvocation(HASH_SIZE)
    public int lookupBatchBoxed1024() {
        return hash.getAll().size();
    }
}
