package dev.ebpf4j.kernelmatrix.guest;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.build.CompiledObject;
import dev.ebpf4j.core.features.Features;
import dev.ebpf4j.core.features.KernelVersion;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.guest.BpfTestSources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs on the host and in every guest kernel: the bundled libbpf loads an object built on the host. */
@Tag("guest-smoke")
@ExtendWith(FdLeakCheck.class)
class GuestSmokeTest {
    /** The kernel series the guest runner booted, or null on the host. */
    private static final String GUEST = System.getProperty("ebpf4j.guest");

    @Test
    void runsInTheKernelTheRunnerBooted() {
        KernelVersion running = KernelVersion.running();
        if (GUEST != null) {
            assertTrue(running.toString().startsWith(GUEST + "."), "guest asked for " + GUEST + " but runs " + running);
        }
        assertTrue(running.atLeast(5, 10), "ebpf4j needs 5.10 or newer, found " + running);
    }

    @Test
    void loadsAnObjectWithAMapThroughBundledLibbpf(@TempDir Path dir) {
        CompiledObject compiled = BpfBuilder.create()
                .compile(BpfTestSources.locate(getClass(), "guest_smoke.bpf.c"), dir.resolve("guest_smoke.bpf.o"));
        if (GUEST != null) {
            // The guest sees the host's build cache read-only; a miss means clang ran under emulation, or failed.
            assertTrue(compiled.cacheHit(), "BPF object cache missed in the guest: the host must compile it first");
        }
        try (BpfObject object = BpfObject.open(compiled.object()).load()) {
            ProgramHandle program = object.program("count_packets");
            assertEquals(ProgramType.XDP, program.type());
            assertTrue(program.fd() >= 0, "program fd " + program.fd());
            assertEquals(MapType.HASH, object.map("seen").type());
            assertTrue(object.map("seen").fd() >= 0, "map fd");
        }
    }

    @Test
    void probesProgramAndMapTypes() {
        assertTrue(Features.has(ProgramType.XDP), "XDP program type probe: " + Features.probe(ProgramType.XDP));
        assertTrue(Features.has(MapType.RINGBUF), "ring buffer map probe (5.8+): " + Features.probe(MapType.RINGBUF));
        if (GUEST != null) {
            assertTrue(Features.has(ProgramType.KPROBE), "kprobe program type in guest " + GUEST + ": "
                    + Features.probe(ProgramType.KPROBE));
        }
    }
}
