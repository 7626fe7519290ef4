package dev.ebpf4j.core;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * {@link PinDirLock#acquire} found the directory locked by another holder. A state conflict rather than a kernel
 * failure, so an {@link IllegalStateException}: stop the other holder, or use another directory.
 */
public final class PinDirLockedException extends IllegalStateException {
    private final Path directory;
    private final long holderPid;

    PinDirLockedException(Path directory, long holderPid, String message) {
        super(message);
        this.directory = directory;
        this.holderPid = holderPid;
    }

    /** The directory that is locked. */
    public Path directory() {
        return directory;
    }

    /** The holder's pid when {@code /proc/locks} shows it. */
    public OptionalLong holderPid() {
        return holderPid > 0 ? OptionalLong.of(holderPid) : OptionalLong.empty();
    }
}
