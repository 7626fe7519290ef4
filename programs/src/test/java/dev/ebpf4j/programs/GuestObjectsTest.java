package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.ProgramSpec;
import dev.ebpf4j.core.ProgramType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The guest-only objects compile and open on the host, with the program types and attach types the guest tests rely
 * on, so a broken guest object is caught before a slow qemu run.
 */
class GuestObjectsTest {
    private static Map<String, ProgramSpec> programs(String object) {
        try (BpfObjectSpec spec = TestObjects.open(object)) {
            return spec.programs().stream().collect(Collectors.toMap(ProgramSpec::name, p -> p));
        }
    }

    @Test
    void kprobeObjects() {
        Map<String, ProgramSpec> p = programs("kprobes");
        assertEquals(ProgramType.KPROBE, p.get("kp_unlinkat").type());
        assertEquals("kretprobe/do_unlinkat", p.get("krp_unlinkat").section());
        assertEquals(AttachType.TRACE_KPROBE_MULTI, programs("kprobe_multi").get("kpm").expectedAttachType());
    }

    @Test
    void fentryObject() {
        Map<String, ProgramSpec> p = programs("fentry");
        assertEquals(ProgramType.TRACING, p.get("fe_unlinkat").type());
        assertEquals(AttachType.TRACE_FENTRY, p.get("fe_unlinkat").expectedAttachType());
        assertEquals(AttachType.TRACE_FEXIT, p.get("fx_unlinkat").expectedAttachType());
    }
}
