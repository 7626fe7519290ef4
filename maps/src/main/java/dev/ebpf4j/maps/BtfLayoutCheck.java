package dev.ebpf4j.maps;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.BtfType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.CodecField;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares a codec's leaf fields with the BTF type the map was declared with. Structs are flattened (nested structs
 * into their members, arrays and unions kept whole) and compared leaf by leaf, in order, by offset, size and name.
 *
 * <p>Names: a leaf's dotted path is split into components, anonymous BTF members (an unnamed struct inside a struct)
 * add no component, and each component is compared without underscores and case, so {@code maglevSize} matches
 * {@code maglev_size} and {@code class_} matches {@code class}. One path may stop early where the other goes on into
 * the same bytes: a codec leaf {@code addr} (a 16-byte array) covers BTF's {@code addr.w} ({@code struct lb_addr
 * { __u32 w[4]; }}). A codec leaf with an empty name, as a scalar, array, byte or LPM-key codec has, is positional: only its
 * offset and size are checked.
 */
final class BtfLayoutCheck {
    private BtfLayoutCheck() {}

    static void check(String map, String what, Codec<?> codec, Btf btf, int typeId) {
        long btfSize = btf.sizeOf(typeId);
        String cType = btf.describe(btf.resolve(typeId));
        if (btfSize != codec.size()) {
            throw new IllegalArgumentException("map '" + map + "' " + what + " is " + cType + " of " + btfSize
                    + " bytes in BTF but codec " + codec.describe() + " is " + codec.size() + " bytes");
        }
        List<CodecField> expected = new ArrayList<>();
        flatten(btf, typeId, "", 0, expected);
        List<CodecField> actual = codec.fields();
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            CodecField e = expected.get(i), a = actual.get(i);
            if (e.offset() != a.offset() || e.size() != a.size()) {
                throw new IllegalArgumentException("map '" + map + "' " + what + ": codec field '" + name(a) + "' is at offset "
                        + a.offset() + " (" + a.size() + " B) but BTF member '" + name(e) + "' of " + cType + " is at offset "
                        + e.offset() + " (" + e.size() + " B)");
            }
            if (!sameName(a.name(), e.name())) {
                throw new IllegalArgumentException("map '" + map + "' " + what + ": codec field '" + a.name() + "' at offset "
                        + a.offset() + " (" + a.size() + " B) is BTF member '" + e.name() + "' of " + cType
                        + "; rename or reorder the codec's fields to follow the C struct (names compare without '_' and case)");
            }
        }
        if (expected.size() != actual.size()) {
            throw new IllegalArgumentException("map '" + map + "' " + what + ": codec " + codec.describe() + " has "
                    + actual.size() + " fields but " + cType + " has " + expected.size() + " members");
        }
    }

    /**
     * True if the codec path names the BTF path: component-wise equal after normalising, one possibly a prefix of the
     * other (an unnamed side, such as a scalar codec or a scalar BTF type, names nothing and so matches).
     */
    static boolean sameName(String codecPath, String btfPath) {
        List<String> c = components(codecPath), b = components(btfPath);
        for (int i = 0; i < Math.min(c.size(), b.size()); i++) {
            if (!c.get(i).equals(b.get(i))) return false;
        }
        return true;
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("\\.")) {
            String n = part.replace("_", "").toLowerCase(Locale.ROOT);
            if (!n.isEmpty()) out.add(n);
        }
        return out;
    }

    private static String name(CodecField f) {
        return f.name().isEmpty() ? "(whole value)" : f.name();
    }

    private static void flatten(Btf btf, int id, String prefix, long base, List<CodecField> out) {
        int r = btf.resolve(id);
        if (btf.type(r) instanceof BtfType.Struct s) {
            for (BtfType.Member m : s.members()) {
                if (m.bitfieldSize() != 0) {
                    throw new IllegalArgumentException("BTF member '" + m.name() + "' of struct " + s.name()
                            + " is a bitfield; codecs cannot express bitfields, use a byte-sized field");
                }
                String n = m.name().isEmpty() ? prefix : prefix.isEmpty() ? m.name() : prefix + "." + m.name();
                flatten(btf, m.type(), n, base + m.byteOffset(), out);
            }
        } else {
            out.add(new CodecField(prefix, base, btf.sizeOf(r)));
        }
    }
}
