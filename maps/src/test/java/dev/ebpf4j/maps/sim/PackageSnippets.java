package dev.ebpf4j.maps.sim;

import dev.ebpf4j.maps.KeyValueMap;
import dev.ebpf4j.maps.PutMode;
import dev.ebpf4j.maps.codec.Codec;

/** The package javadoc's example, compiled with the tests (and run by PackageSnippetsTest) so it cannot drift. */
final class PackageSnippets {
    private PackageSnippets() {}

    static KeyValueMap<Integer, Long> example() {
        // @start region="example"
        KeyValueMap<Integer, Long> m = SimulatedMaps.hash("counts", 16, Codec.s32(), Codec.s64());
        m.put(1, 2L, PutMode.NO_EXIST);
        // @end
        return m;
    }
}
