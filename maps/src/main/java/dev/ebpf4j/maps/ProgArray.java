package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * A program array for tail calls ({@code BPF_MAP_TYPE_PROG_ARRAY}): put a program fd, read back the program id.
 *
 * {@snippet :
 * ProgArray<Integer> jumps = ProgArray.create("jumps", 8, Codec.s32());
 * jumps.put(0, obj.program("stage2").fd());
 * }
 *
 * <p>Keys are indexes 0..maxEntries-1; an index outside is an {@link IndexOutOfBoundsException}.
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <V> value type
 */
public final class ProgArray<V> extends IndexedMapBase<V> implements BpfMap {
    private ProgArray(MapFd map, Codec<Integer> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, sizes, and with BTF the value layout. */
    public static <V> ProgArray<V> of(MapHandle map, Codec<V> value) {
        return new ProgArray<>(Narrow.check(map, Codec.s32(), value, MapType.PROG_ARRAY), Codec.s32(), value);
    }

    /** Creates a standalone map from a spec (key size 4). */
    public static <V> ProgArray<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, Codec.s32(), value, MapType.PROG_ARRAY);
        return new ProgArray<>(MapFd.create(spec), Codec.s32(), value);
    }

    /** Creates a standalone map of {@code maxEntries} slots. */
    public static <V> ProgArray<V> create(String name, int maxEntries, Codec<V> value) {
        return create(MapSpec.of(MapType.PROG_ARRAY, name, 4, value.size(), maxEntries), value);
    }


    /** Puts a loaded program at {@code index} (its fd; the kernel keeps a reference). */
    public void set(int index, dev.ebpf4j.core.ProgramHandle program) {
        Index.check(name(), index, maxEntries());
        putLong(index, program.fd());
    }
}
