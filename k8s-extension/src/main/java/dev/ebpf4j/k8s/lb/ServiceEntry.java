package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.ServiceName;

import java.util.Objects;

/**
 * The value of the service map for one frontend: which revision of the slot table is live and how to choose in it.
 *
 * @param id                     stable service id (per frontend), never 0
 * @param revision               the live revision of the slot and Maglev tables
 * @param count                  active backend slots in that revision; 0 means "refuse new connections"
 * @param maglevSize             entries of the Maglev table in that revision, 0 with random selection
 * @param affinityTimeoutSeconds ClientIP affinity idle timeout, 0 for none
 * @param flags                  {@link #FLAG_LOCAL}, {@link #FLAG_MAGLEV}, {@link #FLAG_AFFINITY}
 * @param service                the Service this frontend belongs to (control-plane only, not written to the map)
 * @param portName               the Service port name (control-plane only)
 */
public record ServiceEntry(int id, int revision, int count, int maglevSize, int affinityTimeoutSeconds, int flags,
                           ServiceName service, String portName) {
    /** Only endpoints on this node are in the slots (a Local traffic policy). */
    public static final int FLAG_LOCAL = 1;
    /** Choose through the Maglev table rather than a random slot. */
    public static final int FLAG_MAGLEV = 1 << 1;
    /** ClientIP session affinity is on. */
    public static final int FLAG_AFFINITY = 1 << 2;

    /** Validates counts. */
    public ServiceEntry {
        if (id <= 0) throw new IllegalArgumentException("service id must be positive: " + id);
        if (count < 0 || count > 0xFFFF) throw new IllegalArgumentException("slot count out of range: " + count);
        if (maglevSize < 0) throw new IllegalArgumentException("negative Maglev size");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(portName, "portName");
    }

    /** Whether a flag is set. */
    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
