/**
 * Typed eBPF maps: one final class per kernel map type, narrowed from a loaded object's
 * {@link dev.ebpf4j.core.MapHandle} or created standalone from a {@link dev.ebpf4j.maps.MapSpec}.
 *
 * {@snippet :
 * record FlowKey(Inet4Address src, Inet4Address dst, @NetworkOrder @Unsigned(bits = 16) int sport,
 *                @NetworkOrder @Unsigned(bits = 16) int dport) {}
 *
 * try (BpfObject obj = BpfObject.open(Path.of("flows.bpf.o")).load()) {
 *     // checks the map type, key/value sizes and, with BTF, every field offset of FlowKey
 *     BpfHashMap<FlowKey, Long> flows = BpfHashMap.of(obj.map("flows"), Codec.of(FlowKey.class), Codec.s64());
 *     for (Map.Entry<FlowKey, Long> e : flows.entries()) System.out.println(e);
 * }
 *
 * try (ArrayMap<Long> stats = ArrayMap.create(
 *         MapSpec.of(MapType.ARRAY, "stats", 4, 8, 64).withFlags(MapFlag.MMAPABLE), Codec.s64())) {
 *     long v = stats.getMappedLong(0);   // shared memory, no syscall
 * }
 * }
 *
 * <p>Requirements: Linux 5.x with BTF; creating maps needs CAP_BPF (or CAP_SYS_ADMIN). Batch operations need
 * Linux 5.6, MMAPABLE arrays 5.5, ring buffers 5.8, bloom filters 5.16, lookup-and-delete on hash maps 5.14.
 * Kernel failures are {@link dev.ebpf4j.core.BpfException}s naming the operation and errno; misuse (wrong sizes,
 * null, out-of-range index, use after close) is an {@link IllegalArgumentException},
 * {@link IndexOutOfBoundsException}, {@link NullPointerException} or {@link IllegalStateException}.
 */
package dev.ebpf4j.maps;
