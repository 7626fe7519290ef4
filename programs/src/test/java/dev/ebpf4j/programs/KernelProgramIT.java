package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.inspect.KernelObjects;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.*;

/** A program opened by id keeps it loaded after its object closes, and a cgroup link is switched back to it. */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class KernelProgramIT {
    private static BpfObject load() {
        return TestObjects.open("sockaddr").constant("service_ip", 1L).constant("backend_ip", 2L).load();
    }

    @Test
    void openedByIdItOutlivesItsObjectAndALinkSwitchesBackToIt() throws Exception {
        // region kernel-program
        try (TestCgroup cg = TestCgroup.create("e4j-kprog"); BpfObject second = load()) {
            CgroupSockAddrProgram next = CgroupSockAddrProgram.of(second.program("svc_connect4"));
            BpfObject first = load();
            int firstId;
            try (Link attached = CgroupSockAddrProgram.of(first.program("svc_connect4")).attach(cg.path())) {
                BpfLink link = assertInstanceOf(BpfLink.class, attached, "cgroup links are bpf_links on this kernel");
                firstId = link.info().programId();
                try (KernelProgram old = KernelProgram.openById(firstId)) {
                    assertEquals(firstId, old.id());
                    first.close(); // only the link and `old` hold the first program now
                    link.update(next);
                    assertEquals(next.id(), link.info().programId());
                    assertTrue(KernelObjects.programExists(firstId), "held by the KernelProgram");
                    link.update(old);
                    assertEquals(firstId, link.info().programId(), "switched back to the program opened by id");
                }
                assertTrue(KernelObjects.programExists(firstId), "the link still holds it");
            } finally {
                first.close();
            }
            // the kernel frees a program after an RCU grace period: give it a moment
            for (int i = 0; i < 100 && KernelObjects.programExists(firstId); i++) Thread.sleep(20);
            assertFalse(KernelObjects.programExists(firstId), "unloaded once the link and the KernelProgram closed");
        }
        BpfException gone = assertThrows(BpfException.class, () -> KernelProgram.openById(Integer.MAX_VALUE));
        assertEquals(Errno.ENOENT, gone.errno());
        assertTrue(gone.getMessage().contains("program open by id " + Integer.MAX_VALUE), gone.getMessage());
        // endregion
    }
}
