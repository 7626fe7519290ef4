package dev.ebpf4j.core;

import java.nio.file.Path;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void loadObject() {
        // @start region="example"
        BpfObjectSpec spec = BpfObject.open(Path.of("counter.bpf.o"));
        spec.maxEntries("flows", 65_536).constant("drop_enabled", true);
        try (BpfObject obj = spec.load()) {                // VerifierException carries the verifier log
            MapHandle counts = obj.map("counts");
            ProgramHandle prog = obj.program("xdp_count");
        }
        // @end
    }

    static void lockPinDirectory() {
        // @start region="pin-dir-lock"
        try (PinDirLock lock = PinDirLock.acquire(Path.of("/sys/fs/bpf/my-agent"))) {
            // only this process manages the pins under /sys/fs/bpf/my-agent until close (or exit)
        } catch (PinDirLockedException e) {
            System.err.println(e.getMessage()); // "directory ... is locked by pid 4242 (java -jar agent.jar); ..."
        }
        // @end
    }

    static void movePins(MapHandle counts) {
        // @start region="pins"
        Path live = Path.of("/sys/fs/bpf/app/counts"), fresh = Path.of("/sys/fs/bpf/app/counts-new");
        BpfPins.pin(counts, fresh);      // pin the new map beside the old one
        BpfPins.replace(fresh, live);    // readers of 'live' see the old map or the new one, never nothing
        BpfPins.rename(Path.of("/sys/fs/bpf/app-staging"), Path.of("/sys/fs/bpf/app-v2")); // EEXIST if taken
        // @end
    }
}
