package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.PinDirLock;
import dev.ebpf4j.core.PinDirLockedException;

import java.nio.file.Path;

/**
 * One agent per pin directory: the SDK's {@link PinDirLock} on the pin directory itself, held for the agent's life.
 * The directory is the one thing two agents of a node (or two containers sharing the host's bpffs) necessarily share,
 * and the kernel drops the lock when the holder exits, however it exits, so a SIGKILLed agent never leaves a stale lock.
 */
final class InstanceLock implements AutoCloseable {
    private final PinDirLock lock;

    private InstanceLock(PinDirLock lock) {
        this.lock = lock;
    }

    /**
     * Creates {@code pinDir} if needed and locks it.
     *
     * @throws IllegalStateException when another process holds the lock, naming its pid
     */
    static InstanceLock acquire(Path pinDir) {
        try {
            return new InstanceLock(PinDirLock.acquire(pinDir));
        } catch (PinDirLockedException e) {
            String holder = e.holderPid().isPresent()
                    ? "pid " + e.holderPid().getAsLong() + describe(e.holderPid().getAsLong())
                    : "its pid is not visible from here";
            throw new IllegalStateException("another agent is running on pin directory " + pinDir + " (" + holder
                    + " holds the lock); stop it first, two agents on one pin directory would fight over the links", e);
        }
    }

    private static String describe(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).map(c -> ": " + c.substring(0, Math.min(200, c.length())))
                .orElse("");
    }

    /** The locked directory. */
    Path directory() {
        return lock.directory();
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        lock.close();
    }
}
