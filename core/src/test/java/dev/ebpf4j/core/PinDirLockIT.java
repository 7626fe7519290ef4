package dev.ebpf4j.core;

import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** PinDirLock on a bpffs directory: exclusive within this process and against another one, released on close or exit. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class PinDirLockIT {
    private Path dir;

    @BeforeEach
    void directory() {
        dir = Bpffs.ensureMounted().resolve("e4j-lock-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
    }

    @AfterEach
    void remove() throws Exception {
        Files.deleteIfExists(dir);
    }

    @Test
    void aSecondOpenerIsRefusedNamingTheHolderUntilTheFirstCloses() {
        // region pin-dir-lock
        PinDirLock first = PinDirLock.acquire(dir);
        assertTrue(Files.isDirectory(dir), "created");
        assertTrue(first.isHeld());
        PinDirLockedException e = assertThrows(PinDirLockedException.class, () -> PinDirLock.acquire(dir));
        long me = ProcessHandle.current().pid();
        assertEquals(me, e.holderPid().orElseThrow(), "/proc/locks names this process");
        assertTrue(e.getMessage().startsWith("directory " + dir + " is locked by pid " + me), e.getMessage());
        assertTrue(e.getMessage().endsWith("; stop that process or use another directory"), e.getMessage());
        first.close();
        first.close(); // idempotent
        assertFalse(first.isHeld());
        try (PinDirLock again = PinDirLock.acquire(dir)) {
            assertEquals(dir, again.directory());
        }
        // endregion
    }

    @Test
    void anotherProcessHoldingTheLockIsNamedAndItsExitReleasesIt() throws Exception {
        Files.createDirectories(dir);
        // util-linux flock(1) holds an exclusive flock on the directory while its child sleeps
        Process holder = new ProcessBuilder("flock", "-x", dir.toString(), "sleep", "30").start();
        try {
            PinDirLockedException e = null;
            for (int i = 0; i < 100 && e == null; i++) {
                try (PinDirLock notYet = PinDirLock.acquire(dir)) {
                    Thread.sleep(50); // flock(1) has not taken it yet
                } catch (PinDirLockedException locked) {
                    e = locked;
                }
            }
            assertNotNull(e, "flock(1) never took the lock");
            assertEquals(holder.pid(), e.holderPid().orElseThrow());
            assertTrue(e.getMessage().contains("is locked by pid " + holder.pid() + " ("), e.getMessage());
            assertTrue(e.getMessage().contains("flock -x " + dir + " sleep 30)"), e.getMessage());
        } finally {
            // flock(1) runs sleep as a child that inherits the locked fd: both must go for the lock to drop
            List<ProcessHandle> children = holder.descendants().toList();
            children.forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        PinDirLock after = null;
        for (int i = 0; i < 100 && after == null; i++) {
            try {
                after = PinDirLock.acquire(dir); // the kernel drops a killed holder's lock with its last fd
            } catch (PinDirLockedException stillHeld) {
                Thread.sleep(50);
            }
        }
        assertNotNull(after, "the lock was not released after the holder was killed");
        after.close();
    }
}
