package dev.ebpf4j.benchmarks;

import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.NetworkOrder;
import dev.ebpf4j.maps.codec.Unsigned;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/** Codec encode and decode: a generated record codec and a primitive codec. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CodecBenchmark {
    public record Backend(int address, @NetworkOrder @Unsigned(bits = 16) int port, @Unsigned(bits = 16) int weight, long hits) {}

    final Codec<Backend> codec = Codec.of(Backend.class);
    final MemorySegment buffer = Arena.ofAuto().allocate(64, 8);
    final Backend value = new Backend(0x0a000001, 8080, 3, 42);
    final Long boxed = 42L;

    @Benchmark
    public MemorySegment recordEncode() {
        codec.encode(value, buffer, 0);
        return buffer;
    }

    @Benchmark
    public Backend recordDecode() {
        return codec.decode(buffer, 0);
    }

    @Benchmark
    public MemorySegment u64Encode() {
        Codec.u64().encode(boxed, buffer, 16);
        return buffer;
    }

    @Benchmark
    public Long u64Decode() {
        return Codec.u64().decode(buffer, 16);
    }
}
