package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.inspect.LinkSummary;
import dev.ebpf4j.core.inspect.MapInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the kernel itself holds, read without bpftool, in the agent's terms: the links of a cgroup and the definition
 * of a pinned map, from the SDK's {@link dev.ebpf4j.core.inspect.KernelObjects}. The agent uses it to check pins before
 * adopting them; tests use it to count links independently of the agent's own bookkeeping.
 *
 * {@snippet :
 * List<KernelObjects.LinkEntry> mine = KernelObjects.cgroupLinks(Path.of("/sys/fs/cgroup/kubepods"));
 * }
 * Requirements: Linux 5.8+ (link ids), CAP_SYS_ADMIN or CAP_BPF to walk ids.
 */
public final class KernelObjects {
    /**
     * One kernel link.
     *
     * @param id         link id
     * @param type       {@code enum bpf_link_type}
     * @param programId  id of the attached program
     * @param cgroupId   the cgroup's id (its directory inode) for cgroup links, else 0
     * @param attachType {@code enum bpf_attach_type} for cgroup links, else -1
     */
    public record LinkEntry(int id, int type, int programId, long cgroupId, int attachType) {
    }

    /**
     * A pinned map's kernel definition.
     *
     * @param type       {@code enum bpf_map_type}
     * @param keySize    key size in bytes
     * @param valueSize  value size in bytes
     * @param maxEntries max entries
     * @param flags      map flags
     * @param name       kernel name (truncated to 15 characters)
     */
    public record MapDefinition(int type, int keySize, int valueSize, int maxEntries, int flags, String name) {
    }

    private KernelObjects() {
    }

    /** Every link in the kernel, of any process. */
    public static List<LinkEntry> links() {
        return dev.ebpf4j.core.inspect.KernelObjects.links().stream().map(KernelObjects::entry).toList();
    }

    private static LinkEntry entry(LinkSummary l) {
        boolean cgroup = l.type() == LinkSummary.CGROUP;
        return new LinkEntry(l.id(), l.type(), l.programId(), cgroup ? l.cgroupId() : 0, cgroup ? l.attachType() : -1);
    }

    /** Whether a program with this id is still loaded (held by a link, pin or fd somewhere). */
    public static boolean programExists(int id) {
        return dev.ebpf4j.core.inspect.KernelObjects.programExists(id);
    }

    /** The links attached to a cgroup v2 directory. */
    public static List<LinkEntry> cgroupLinks(Path cgroup) {
        return dev.ebpf4j.core.inspect.KernelObjects.cgroupLinks(cgroupId(cgroup)).stream().map(KernelObjects::entry).toList();
    }

    /** A cgroup's id: the inode number of its directory. */
    public static long cgroupId(Path cgroup) {
        try {
            return ((Number) Files.getAttribute(cgroup, "unix:ino")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat cgroup " + cgroup, e);
        }
    }

    /** Reads the definition of the map pinned at {@code path}. */
    public static MapDefinition pinnedMap(Path path) {
        MapInfo m = dev.ebpf4j.core.inspect.KernelObjects.pinnedMap(path);
        return new MapDefinition(m.type().value(), m.keySize(), m.valueSize(), m.maxEntries(), m.flags(), m.name());
    }
}
