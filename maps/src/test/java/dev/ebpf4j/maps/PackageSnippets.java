package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.NetworkOrder;
import dev.ebpf4j.maps.codec.Unsigned;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.Map;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    // @start region="example"
    record FlowKey(Inet4Address src, Inet4Address dst, @NetworkOrder @Unsigned(bits = 16) int sport,
                   @NetworkOrder @Unsigned(bits = 16) int dport) {}

    static void typedMaps() {
        try (BpfObject obj = BpfObject.open(Path.of("flows.bpf.o")).load()) {
            // checks the map type, key/value sizes and, with BTF, every field offset of FlowKey
            BpfHashMap<FlowKey, Long> flows = BpfHashMap.of(obj.map("flows"), Codec.of(FlowKey.class), Codec.s64());
            for (Map.Entry<FlowKey, Long> e : flows.entries()) System.out.println(e);
        }

        try (ArrayMap<Long> stats = ArrayMap.create(
                MapSpec.of(MapType.ARRAY, "stats", 4, 8, 64).withFlags(MapFlag.MMAPABLE), Codec.s64())) {
            long v = stats.getMappedLong(0);   // shared memory, no syscall
        }
    }
    // @end

    static void variables(BpfObject obj) {
        // @start region="variable"
        try (Variable<Long> input = Variable.of(obj, "input", long.class);       // a .data global
             Variable<Long> counter = Variable.of(obj, "counter", long.class)) { // a .bss global
            input.set(5L);                 // a plain memory write the next program run sees
            long total = counter.get();    // a plain memory read of what the program wrote
        }
        // @end
    }

    static void userRingBuffer(BpfObject obj, byte[] command) {
        // @start region="user-ringbuf"
        try (UserRingBuffer commands = UserRingBuffer.of(obj.map("commands"))) {
            if (!commands.offer(command)) {
                // full: the BPF side has not drained yet (bpf_user_ringbuf_drain); retry later
            }
            UserRingBuffer.Reservation r = commands.reserve(16); // MapFullException (ENOSPC) when full
            r.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 42L);
            r.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, 7L);
            r.submit();
        }
        // @end
    }

    static void rawMaps(BpfObject newVersion) {
        // @start region="raw-map"
        try (RawMap old = RawMap.openPinned(Path.of("/sys/fs/bpf/app/v1/sessions"));
             RawMap fresh = RawMap.of(newVersion.map("sessions"))) {
            int copied = old.copyTo(fresh, PutMode.NO_EXIST); // in batches; IAE naming the mismatch if sizes differ
            for (RawMap.Entry e : old.entries(10)) System.out.println(java.util.HexFormat.of().formatHex(e.key()));
        }
        // @end
    }
}
