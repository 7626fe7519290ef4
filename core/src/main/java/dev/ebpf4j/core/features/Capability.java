package dev.ebpf4j.core.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/** The Linux capabilities that matter for eBPF, with their bit numbers. */
public enum Capability {
    CAP_NET_ADMIN(12), CAP_NET_RAW(13), CAP_SYS_ADMIN(21), CAP_SYS_RESOURCE(24), CAP_PERFMON(38), CAP_BPF(39);

    private final int bit;

    Capability(int bit) {
        this.bit = bit;
    }

    /** The capability's bit number in the kernel's capability sets. */
    public int bit() {
        return bit;
    }

    /** This process's effective capabilities among these, read from {@code /proc/thread-self/status} on each call (capabilities are per thread). */
    public static Set<Capability> effective() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("CapEff:")) return fromMask(Long.parseUnsignedLong(line.substring(7).trim(), 16));
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux procfs: report nothing rather than guess.
        }
        return EnumSet.noneOf(Capability.class);
    }

    static Set<Capability> fromMask(long mask) {
        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        for (Capability c : values()) if ((mask & (1L << c.bit)) != 0) caps.add(c);
        return caps;
    }
}
