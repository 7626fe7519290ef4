package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.maps.codec.Codec;

import java.util.Arrays;
import java.util.Objects;

/** Checks that a loaded map matches the typed view asked for: type, sizes, and the codecs' layout against BTF. */
final class Narrow {
    private Narrow() {}

    static MapFd check(MapHandle h, Codec<?> key, Codec<?> value, MapType... types) {
        Objects.requireNonNull(h, "map handle");
        if (!Arrays.asList(types).contains(h.type())) {
            throw new IllegalArgumentException("map '" + h.name() + "' is a " + h.type() + " map, not "
                    + (types.length == 1 ? types[0] : Arrays.toString(types)));
        }
        if (key != null) sizes(h, "key", h.keySize(), key);
        if (value != null) sizes(h, "value", h.valueSize(), value);
        Btf btf = h.btf().orElse(null);
        if (btf != null) {
            if (key != null && h.btfKeyTypeId().isPresent()) BtfLayoutCheck.check(h.name(), "key", key, btf, h.btfKeyTypeId().get());
            if (value != null && h.btfValueTypeId().isPresent()) BtfLayoutCheck.check(h.name(), "value", value, btf, h.btfValueTypeId().get());
        }
        return MapFd.borrow(h);
    }

    /** Opens a pinned map and checks its type and sizes against the codecs (max entries and flags are taken as found). */
    static MapFd pinned(java.nio.file.Path path, Codec<?> key, Codec<?> value, MapType... types) {
        MapFd m = Pins.open(Objects.requireNonNull(path, "path"));
        String problem = null;
        if (!Arrays.asList(types).contains(m.type())) {
            problem = "is a " + m.type() + " map, not " + (types.length == 1 ? types[0] : Arrays.toString(types));
        } else if (key != null && key.size() != m.keySize()) {
            problem = "has a " + m.keySize() + "-byte key but codec " + key.describe() + " is " + key.size() + " bytes";
        } else if (value != null && value.size() != m.valueSize()) {
            problem = "has a " + m.valueSize() + "-byte value but codec " + value.describe() + " is " + value.size() + " bytes";
        }
        if (problem != null) {
            m.close();
            throw new IllegalArgumentException("map pinned at " + path + " " + problem);
        }
        return m;
    }

    static void sizes(MapHandle h, String what, int declared, Codec<?> codec) {
        if (codec.size() != declared) {
            throw new IllegalArgumentException("map '" + h.name() + "' has a " + declared + "-byte " + what + " but codec "
                    + codec.describe() + " is " + codec.size() + " bytes");
        }
    }

    static void spec(MapSpec spec, Codec<?> key, Codec<?> value, MapType... types) {
        Objects.requireNonNull(spec, "spec");
        if (!Arrays.asList(types).contains(spec.type())) {
            throw new IllegalArgumentException("spec is for a " + spec.type() + " map, not " + Arrays.toString(types));
        }
        if (key != null && key.size() != spec.keySize()) {
            throw new IllegalArgumentException("spec key size " + spec.keySize() + " but codec " + key.describe() + " is " + key.size() + " bytes");
        }
        if (value != null && value.size() != spec.valueSize()) {
            throw new IllegalArgumentException("spec value size " + spec.valueSize() + " but codec " + value.describe() + " is " + value.size() + " bytes");
        }
    }
}
