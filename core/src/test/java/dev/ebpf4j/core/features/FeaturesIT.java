package dev.ebpf4j.core.features;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("kernel")
class FeaturesIT {

    @Test
    void probesAnswerForWhatThisKernelHas() {
        // Every supported kernel (5.8+) has these; the answers come from real loads, not from the version.
        for (ProgramType t : new ProgramType[]{ProgramType.XDP, ProgramType.SCHED_CLS, ProgramType.SOCKET_FILTER,
                ProgramType.CGROUP_SOCK_ADDR, ProgramType.TRACEPOINT, ProgramType.SK_MSG}) {
            assertEquals(Availability.AVAILABLE, Features.probe(t), t.name());
        }
        for (MapType t : new MapType[]{MapType.HASH, MapType.LRU_HASH, MapType.LPM_TRIE, MapType.RINGBUF,
                MapType.SOCKHASH, MapType.DEVMAP_HASH}) {
            assertTrue(Features.has(t), t.name());
        }
        if (Features.kernelVersion().atLeast(5, 16)) assertTrue(Features.has(MapType.BLOOM_FILTER));
    }

    @Test
    void kernelFacts() {
        assertTrue(Features.kernelVersion().atLeast(5, 8), Features.kernelVersion().toString());
        assertTrue(Features.kernelBtf(), "/sys/kernel/btf/vmlinux");
        assertTrue(Features.capabilities().contains(Capability.CAP_BPF) || Features.capabilities().contains(Capability.CAP_SYS_ADMIN));
        assertEquals(new KernelVersion(6, 18, 44), KernelVersion.parse("6.18.44-fc-v769"));
        assertEquals(new KernelVersion(6, 1, 0), KernelVersion.parse("6.1-rc1"));
    }
}
