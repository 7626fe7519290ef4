package dev.ebpf4j.core;

import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class BpfObjectIT {

    @Test
    void loadsWithCoreAndListsMapsAndPrograms() {
        try (BpfObject obj = BpfObject.open(TestObjects.compile("globals")).load()) {
            assertEquals("globals", obj.name());
            MapHandle counters = obj.map("counters");
            assertEquals(MapType.ARRAY, counters.type());
            assertEquals(4, counters.keySize());
            assertEquals(8, counters.valueSize());
            assertTrue(counters.fd() > 2);
            assertTrue(counters.btfValueTypeId().isPresent());
            ProgramHandle exec = obj.program("on_exec");
            assertEquals(ProgramType.TRACEPOINT, exec.type());
            assertTrue(exec.isLoaded() && exec.instructionCount() > 0);
            assertEquals(ProgramType.XDP, obj.program("xdp_globals").type());
        }
    }

    @Test
    void unknownNamesListWhatIsThere() {
        try (BpfObject obj = BpfObject.open(TestObjects.compile("globals")).load()) {
            var e = assertThrows(IllegalArgumentException.class, () -> obj.map("nope"));
            assertEquals("no map 'nope' in object 'globals'; maps: [counters, lookup, globals.rodata, globals.bss]", e.getMessage());
            var p = assertThrows(IllegalArgumentException.class, () -> obj.program("nope"));
            assertTrue(p.getMessage().contains("programs: [xdp_globals, on_exec]"), p.getMessage());
        }
    }

    @Test
    void specAdjustmentsTakeEffect() throws Throwable {
        BpfObjectSpec spec = BpfObject.open(TestObjects.compile("globals"));
        spec.maxEntries("lookup", 4096).mapFlags("lookup", 1 /* BPF_F_NO_PREALLOC */).constant("verdict", 1)
                .constant("small_signed", -300).autoload("on_exec", false);
        try (BpfObject obj = spec.load()) {
            assertEquals(4096, obj.map("lookup").maxEntries());
            assertEquals(1, obj.map("lookup").flags());
            assertEquals(1, RawMaps.kernelFlags(obj.map("lookup")), "the kernel created the map with the flags set");
            assertFalse(obj.program("on_exec").isLoaded());
            assertThrows(IllegalStateException.class, () -> obj.program("on_exec").fd());
            ByteBuffer rodata = ByteBuffer.wrap(RawMaps.lookup(obj.map("globals.rodata"), 0)).order(ByteOrder.nativeOrder());
            assertEquals(1, rodata.getInt(0), "verdict");
            assertEquals(-300, rodata.getShort(4), "small_signed");
        }
    }

    @Test
    void constantsAreCheckedAgainstTheirBtfType() {
        try (BpfObjectSpec spec = BpfObject.open(TestObjects.compile("globals"))) {
            var range = assertThrows(IllegalArgumentException.class, () -> spec.constant("small_signed", 40_000));
            assertTrue(range.getMessage().contains("range -32768..32767"), range.getMessage());
            var unknown = assertThrows(IllegalArgumentException.class, () -> spec.constant("nope", 1));
            assertTrue(unknown.getMessage().contains("globals: [seen, verdict, small_signed]"), unknown.getMessage());
            var size = assertThrows(IllegalArgumentException.class, () -> spec.constant("seen", new byte[3]));
            assertTrue(size.getMessage().contains("is 8 bytes, got 3"), size.getMessage());
        }
    }

    @Test
    void verifierRejectionCarriesTheLog() {
        VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.open(TestObjects.compile("unsafe")).load());
        assertEquals("xdp_unsafe", e.program());
        assertEquals(Errno.EACCES, e.errno());
        assertTrue(e.log().stream().anyMatch(l -> l.contains("invalid mem access 'map_value_or_null'")), String.join("\n", e.log()));
        assertTrue(e.getMessage().contains("rejected by the verifier"));
    }

    @Test
    void corruptObjectsFailWithBpfExceptionNeverACrash() {
        byte[] valid = TestObjects.bytes("globals");
        assertInstanceOf(ObjectFormatException.class,
                assertThrows(BpfException.class, () -> BpfObject.open(new byte[]{1, 2, 3, 4, 5, 6, 7, 8}, "junk")));
        for (int len : new int[]{4, 16, 64, 100, 512, valid.length / 2, valid.length - 1}) {
            byte[] cut = Arrays.copyOf(valid, len);
            assertThrows(BpfException.class, () -> BpfObject.open(cut, "cut").close(), "truncated to " + len);
        }
        Random random = new Random(7);
        int loaded = 0;
        for (int i = 0; i < 300; i++) {
            byte[] mutated = valid.clone();
            for (int flips = 1 + random.nextInt(8); flips > 0; flips--) mutated[random.nextInt(mutated.length)] ^= (byte) (1 + random.nextInt(255));
            try (BpfObjectSpec spec = BpfObject.open(mutated, "mutated"); BpfObject obj = spec.load()) {
                loaded++;
            } catch (BpfException expected) {
                // reported, not crashed
            } catch (RuntimeException e) {
                if (!(e instanceof IllegalArgumentException)) fail("mutation " + i + " escaped as " + e, e);
            }
        }
        assertTrue(loaded < 300, "some mutations must be rejected");
    }

    @Test
    void closeIsIdempotentAndHandlesFailAfterIt() {
        BpfObject obj = BpfObject.open(TestObjects.compile("globals")).load();
        MapHandle map = obj.map("counters");
        obj.close();
        obj.close();
        assertTrue(obj.isClosed());
        var e = assertThrows(IllegalStateException.class, map::fd);
        assertEquals("object 'globals' is closed", e.getMessage());
    }

    @Test
    void specIsConsumedByLoad() {
        BpfObjectSpec spec = BpfObject.open(TestObjects.compile("globals"));
        spec.load().close();
        assertThrows(IllegalStateException.class, spec::load);
        assertThrows(IllegalStateException.class, spec::maps);
    }

    @Test
    void openFromBytesAndFromAClassPathResource() throws IOException {
        try (BpfObject obj = BpfObject.open(TestObjects.bytes("globals"), "fromBytes").load()) {
            assertEquals("fromBytes", obj.name());
        }
        Path resourceDir = Path.of("target/test-classes/objects");
        Files.createDirectories(resourceDir);
        Files.copy(TestObjects.compile("globals"), resourceDir.resolve("globals.bpf.o"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (BpfObject obj = BpfObject.openResource(BpfObjectIT.class, "/objects/globals.bpf.o").load()) {
            assertEquals("globals", obj.name());
        }
        assertThrows(IllegalArgumentException.class, () -> BpfObject.openResource(BpfObjectIT.class, "/objects/none.o"));
    }

    @Test
    void customKernelBtfIsUsedForCoreRelocations(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path copy = Files.copy(dev.ebpf4j.core.btf.Btf.KERNEL_BTF, dir.resolve("vmlinux.btf"));
        try (BpfObject obj = BpfObject.open(TestObjects.compile("globals"), ObjectOptions.defaults().kernelBtf(copy)).load()) {
            assertTrue(obj.program("on_exec").isLoaded());
        }
        Path bogus = Files.write(dir.resolve("bogus.btf"), new byte[]{0, 1, 2, 3});
        assertThrows(BpfException.class, () -> {
            try (BpfObject ignored = BpfObject.open(TestObjects.compile("globals"), ObjectOptions.defaults().kernelBtf(bogus)).load()) {
                fail("a bogus BTF file cannot relocate task_struct");
            }
        });
    }

    @Test
    void mapsPinWhereAskedAndStayPinnedAfterClose() throws IOException {
        Path root = Bpffs.ensureMounted().resolve("ebpf4j-core-test-" + ProcessHandle.current().pid());
        Files.createDirectories(root);
        Path pin = root.resolve("counters");
        try {
            BpfObjectSpec spec = BpfObject.open(TestObjects.compile("globals")).pinPath("counters", pin);
            try (BpfObject obj = spec.load()) {
                assertEquals(pin, obj.map("counters").pinPath().orElseThrow());
            }
            assertTrue(Files.exists(pin), "pin survives close");
            // A second load reuses the pinned map.
            try (BpfObject again = BpfObject.open(TestObjects.compile("globals")).pinPath("counters", pin).load()) {
                assertEquals(MapType.ARRAY, again.map("counters").type());
            }
        } finally {
            Files.deleteIfExists(pin);
            Files.deleteIfExists(root);
        }
    }
}
