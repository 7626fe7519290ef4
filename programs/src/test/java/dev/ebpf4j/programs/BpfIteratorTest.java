package dev.ebpf4j.programs;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BpfIterator's reading and decoding, on a pipe standing in for an iterator fd (no kernel BPF needed). */
class BpfIteratorTest {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle PIPE = LINKER.downcallHandle(LINKER.defaultLookup().find("pipe").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().find("write").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** An iterator over a pipe already holding {@code content}, its write end closed (so reads end). */
    private static BpfIterator over(byte[] content) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            assertEquals(0, (int) PIPE.invokeExact(fds));
            int read = fds.getAtIndex(ValueLayout.JAVA_INT, 0), write = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
            MemorySegment bytes = arena.allocate(Math.max(1, content.length)).copyFrom(MemorySegment.ofArray(content));
            assertEquals(content.length, (long) WRITE.invokeExact(write, bytes, (long) content.length));
            assertEquals(0, (int) CLOSE.invokeExact(write));
            return new BpfIterator(read);
        }
    }

    @Test
    void linesSplitWhatTheProgramPrinted() throws Throwable {
        try (Stream<String> lines = over("1 1\n1 2\n42 42\n".getBytes(StandardCharsets.UTF_8)).lines()) {
            assertEquals(List.of("1 1", "1 2", "42 42"), lines.toList());
        }
    }

    @Test
    void recordsDecodeFixedSizeChunks() throws Throwable {
        byte[] two = {1, 0, 0, 0, 7, 0, 0, 0, 2, 0, 0, 0, 9, 0, 0, 0};
        try (Stream<int[]> records = over(two).records(8, (m, off) ->
                new int[] {m.get(ValueLayout.JAVA_INT_UNALIGNED, off), m.get(ValueLayout.JAVA_INT_UNALIGNED, off + 4)})) {
            List<int[]> got = records.toList();
            assertEquals(2, got.size());
            assertArrayEquals(new int[] {1, 7}, got.get(0));
            assertArrayEquals(new int[] {2, 9}, got.get(1));
        }
    }

    @Test
    void aTruncatedRecordIsReportedWithItsSize() throws Throwable {
        try (Stream<byte[]> records = over(new byte[12]).records(8, (m, off) -> new byte[0])) {
            IllegalStateException e = assertThrows(IllegalStateException.class, records::toList);
            assertTrue(e.getMessage().contains("4 bytes into a record of 8"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> over(new byte[0]).records(0, (m, off) -> 0));
    }

    @Test
    void closingTheStreamClosesTheIterator() throws Throwable {
        BpfIterator it = over("a\n".getBytes(StandardCharsets.UTF_8));
        try (Stream<String> lines = it.lines()) {
            assertEquals(List.of("a"), lines.toList());
        }
        assertThrows(IllegalStateException.class, it::readAllBytes, "closed with its stream");
        it.close(); // idempotent
        assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), over("x".getBytes(StandardCharsets.UTF_8)).readAllBytes());
    }
}
