package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.inspect.KernelObjects;
import dev.ebpf4j.maps.RawMap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads maps another process pinned, read-only ({@link RawMap#openPinnedReadOnly}): the way {@code cilium bpf lb list}
 * shows what its agent programmed. Entries change under the reader; each is read whole, but the set is not a snapshot.
 */
public final class PinnedMaps {
    /** A pinned map's definition and up to the asked number of its entries. */
    public record Dump(BpfObjectInfo.Map info, List<Introspection.Entry> entries) {}

    private PinnedMaps() {}

    /**
     * The map pinned at {@code pin}, read-only, with up to {@code limit} entries; empty when nothing is pinned there.
     *
     * @throws BpfException when the pin exists but cannot be opened (e.g. EPERM without CAP_BPF, or not a map)
     */
    public static Optional<Dump> read(Path pin, int limit) {
        if (!Files.exists(pin)) return Optional.empty();
        BpfObjectInfo.Map info = Introspection.map(KernelObjects.pinnedMap(pin));
        if (!Introspection.hasEntries(info.type(), info.keySize(), info.valueSize())) return Optional.of(new Dump(info, List.of()));
        try (RawMap m = RawMap.openPinnedReadOnly(pin)) {
            return Optional.of(new Dump(info, Introspection.entries(m, limit)));
        }
    }
}
