package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Globals read and written through the mmap'd .data/.bss/.rodata maps, seen by a program run with BPF_PROG_TEST_RUN. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class VariableIT {
    record Pair(int first, int second) {}

    record Misnamed(int second, int first) {}

    @TempDir
    static Path temp;
    static BpfObject obj;

    @BeforeAll
    static void load() throws Exception {
        Path out = Files.createTempDirectory(temp, "obj").resolve("globals_test.bpf.o");
        BpfBuilder.create().compile(Path.of("src/test/bpf/globals_test.bpf.c").toAbsolutePath(), out);
        obj = BpfObject.open(out).constant("scale", 3).load();
    }

    @AfterAll
    static void close() {
        if (obj != null) obj.close();
    }

    @Test
    void javaWritesDataTheProgramAddsIntoBssJavaReadsItLive() {
        // region variable
        try (Variable<Long> input = Variable.of(obj, "input", long.class);
             Variable<Long> counter = Variable.of(obj, "counter", long.class);
             Variable<Integer> runs = Variable.of(obj, "runs", Codec.s32());
             Variable<Integer> scale = Variable.of(obj, "scale", Codec.s32())) {
            assertEquals(".data", input.section());
            assertEquals(".bss", counter.section());
            assertEquals(3, scale.get(), "the .rodata constant set before load");
            counter.set(0L);
            int before = runs.get();
            input.set(5L);
            TestObjects.testRun(obj.program("add_input"), 4);
            assertEquals(4 * 5 * 3, counter.get(), "4 runs of counter += input * scale");
            input.set(7L);
            TestObjects.testRun(obj.program("add_input"), 1);
            assertEquals(60 + 21, counter.get());
            assertEquals(before + 5, runs.get());
            IllegalStateException frozen = assertThrows(IllegalStateException.class, () -> scale.set(4));
            assertTrue(frozen.getMessage().contains("BpfObjectSpec.constant(\"scale\""), frozen.getMessage());
        }
        // endregion
    }

    @Test
    void structGlobalsUseRecordCodecsCheckedAgainstBtf() {
        try (Variable<Pair> in = Variable.of(obj, "in_pair", Pair.class);
             Variable<Pair> out = Variable.of(obj, "out_pair", Pair.class)) {
            in.set(new Pair(11, 22));
            TestObjects.testRun(obj.program("add_input"), 1);
            assertEquals(new Pair(22, 11), out.get(), "the program swapped the .data pair into .bss");
        }
        IllegalArgumentException misnamed = assertThrows(IllegalArgumentException.class,
                () -> Variable.of(obj, "in_pair", Misnamed.class));
        assertTrue(misnamed.getMessage().contains("codec field 'second' at offset 0 (4 B) is BTF member 'first'"), misnamed.getMessage());
    }

    @Test
    void wrongSizeOrUnknownNameIsNamed() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> Variable.of(obj, "counter", Codec.s32()));
        assertTrue(size.getMessage().contains("global 'counter' in .bss is") && size.getMessage().contains("8 bytes but codec s32 is 4 bytes"),
                size.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Variable.of(obj, "nope", long.class));
        assertTrue(unknown.getMessage().contains("no global variable 'nope'") && unknown.getMessage().contains("counter"),
                unknown.getMessage());
    }

    @Test
    void closedVariableRefusesAccess() {
        Variable<Long> counter = Variable.of(obj, "counter", long.class);
        counter.close();
        counter.close();
        assertThrows(IllegalStateException.class, counter::get);
    }
}
