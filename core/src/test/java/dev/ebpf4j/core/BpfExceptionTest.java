package dev.ebpf4j.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpfExceptionTest {

    @Test
    void messageReadsOperationErrnoHint() {
        BpfException e = BpfException.of("map create", -Errno.E2BIG, "max entries too large");
        assertInstanceOf(SyscallException.class, e);
        assertEquals("map create: E2BIG (max entries too large)", e.getMessage());
        assertEquals(Errno.E2BIG, e.errno());
        assertEquals("E2BIG", e.errnoName());
        assertEquals("map create", e.operation());
    }

    @Test
    void errnoSelectsTheSubclass() {
        assertInstanceOf(PermissionException.class, BpfException.of("map create", Errno.EPERM));
        assertInstanceOf(NotSupportedException.class, BpfException.of("link create", Errno.EOPNOTSUPP));
        assertInstanceOf(NotSupportedException.class, BpfException.of("link create", -Errno.ENOTSUPP));
        assertInstanceOf(SyscallException.class, BpfException.of("map lookup", Errno.EINVAL));
    }

    @Test
    void errnoNamesCoverKernelAndLibbpfCodes() {
        assertEquals("EPERM", Errno.name(1));
        assertEquals("ENOTSUPP", Errno.name(524));
        assertEquals("LIBBPF_ERRNO__FORMAT", Errno.name(-4001));
        assertEquals("errno 3999", Errno.name(3999));
    }

    @Test
    void permissionExceptionNamesWhatIsMissingOrTheLimit() {
        PermissionException e = PermissionException.forOperation("map create", Errno.EPERM, null);
        // As root with every capability the hint points at limits; without CAP_BPF it names the capability.
        boolean hasBpf = dev.ebpf4j.core.features.Capability.effective().contains(dev.ebpf4j.core.features.Capability.CAP_BPF)
                || dev.ebpf4j.core.features.Capability.effective().contains(dev.ebpf4j.core.features.Capability.CAP_SYS_ADMIN);
        assertEquals(hasBpf ? "RLIMIT_MEMLOCK or lockdown" : "CAP_BPF", e.missing());
        assertTrue(e.getMessage().startsWith("map create: EPERM ("), e.getMessage());
    }

    @Test
    void verifierMessageShowsTheTailAndCountsTheRest() {
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 30; i++) log.add("line " + i);
        VerifierException e = new VerifierException("xdp_prog", Errno.EACCES, log);
        assertEquals(30, e.log().size());
        String message = e.getMessage();
        assertTrue(message.startsWith("program load xdp_prog: EACCES (rejected by the verifier)"), message);
        assertTrue(message.contains("(18 lines omitted)"), message);
        assertTrue(message.contains("line 29") && message.contains("line 18") && !message.contains("line 17"), message);
    }
}
