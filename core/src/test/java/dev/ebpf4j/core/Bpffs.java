package dev.ebpf4j.core;

import dev.ebpf4j.core.features.Features;

import java.io.IOException;
import java.nio.file.Path;

/** Mounts bpffs at /sys/fs/bpf for tests when the machine has not (PLATFORM.md: it is not mounted by default). */
final class Bpffs {
    static final Path ROOT = Path.of("/sys/fs/bpf");

    private Bpffs() {}

    static Path ensureMounted() {
        if (!Features.bpffsMounted(ROOT)) {
            try {
                Process p = new ProcessBuilder("mount", "-t", "bpf", "bpf", ROOT.toString()).inheritIO().start();
                if (p.waitFor() != 0) throw new IllegalStateException("mount -t bpf failed");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot mount bpffs at " + ROOT, e);
            }
        }
        return ROOT;
    }
}
