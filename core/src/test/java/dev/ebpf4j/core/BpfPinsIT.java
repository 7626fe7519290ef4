package dev.ebpf4j.core;

import dev.ebpf4j.core.inspect.KernelObjects;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** BpfPins and KernelObjects on real pins: pin, rename, replace, exchange, unpin, and what the kernel then reports. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class BpfPinsIT {
    private Path dir;

    @BeforeEach
    void directory() throws Exception {
        dir = Files.createDirectories(Bpffs.ensureMounted().resolve("e4j-pins-" + Integer.toHexString(ThreadLocalRandom.current().nextInt())));
    }

    @AfterEach
    void remove() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static int id(Path pin) {
        return KernelObjects.pinnedMap(pin).id();
    }

    @Test
    void pinRenameReplaceExchangeAndUnpin() {
        // region pins
        try (BpfObject a = BpfObject.open(TestObjects.compile("globals")).load();
             BpfObject b = BpfObject.open(TestObjects.compile("globals")).load()) {
            Path counters = dir.resolve("counters"), lookup = dir.resolve("lookup");
            BpfPins.pin(a.map("counters"), counters);
            BpfPins.pin(a.map("lookup"), lookup);
            int countersId = id(counters), lookupId = id(lookup);
            assertEquals("counters", KernelObjects.pinnedMap(counters).name());
            assertEquals(MapType.ARRAY, KernelObjects.pinnedMap(counters).type());
            assertEquals(4, KernelObjects.pinnedMap(counters).maxEntries());
            assertTrue(KernelObjects.mapIds().contains(countersId));

            BpfException taken = assertThrows(BpfException.class, () -> BpfPins.pin(b.map("counters"), counters));
            assertEquals(Errno.EEXIST, taken.errno());

            Path renamed = dir.resolve("counters-v2");
            BpfPins.rename(counters, renamed);
            assertFalse(Files.exists(counters));
            assertEquals(countersId, id(renamed), "the same map under its new name");
            BpfException noReplace = assertThrows(BpfException.class, () -> BpfPins.rename(lookup, renamed));
            assertEquals(Errno.EEXIST, noReplace.errno());
            assertTrue(noReplace.getMessage().startsWith("pin rename " + lookup + " -> " + renamed), noReplace.getMessage());

            Path fresh = dir.resolve("counters-new");
            BpfPins.pin(b.map("counters"), fresh);
            int freshId = id(fresh);
            assertNotEquals(countersId, freshId);
            BpfPins.replace(fresh, renamed);
            assertEquals(freshId, id(renamed), "replace points the path at the new map");
            assertFalse(Files.exists(fresh));

            BpfPins.exchange(renamed, lookup);
            assertEquals(lookupId, id(renamed));
            assertEquals(freshId, id(lookup));

            assertTrue(BpfPins.unpin(lookup));
            assertFalse(BpfPins.unpin(lookup), "nothing left to unpin");
            BpfException missing = assertThrows(BpfException.class, () -> KernelObjects.pinnedMap(lookup));
            assertEquals(Errno.ENOENT, missing.errno());
        }
        // endregion
    }

    @Test
    void directoriesOfPinsRenameInOneStep() throws Exception {
        try (BpfObject a = BpfObject.open(TestObjects.compile("globals")).load()) {
            Path staging = Files.createDirectories(dir.resolve("staging"));
            BpfPins.pin(a.map("lookup"), staging.resolve("lookup"));
            Path live = dir.resolve("live");
            BpfPins.rename(staging, live);
            assertEquals(a.map("lookup").name(), KernelObjects.pinnedMap(live.resolve("lookup")).name());
            assertFalse(Files.exists(staging));
        }
    }
}
