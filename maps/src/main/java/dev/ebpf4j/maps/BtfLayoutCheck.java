package dev.ebpf4j.maps;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.BtfType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.CodecField;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares a codec's leaf fields with the BTF type the map was declared with. Structs are flattened (nested structs
 * into their members, arrays and unions kept whole) and compared leaf by leaf, in order, by offset and size.
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
        }
        if (expected.size() != actual.size()) {
            throw new IllegalArgumentException("map '" + map + "' " + what + ": codec " + codec.describe() + " has "
                    + actual.size() + " fields but " + cType + " has " + expected.size() + " members");
        }
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
                String n = prefix.isEmpty() ? m.name() : prefix + "." + m.name();
                flatten(btf, m.type(), n, base + m.byteOffset(), out);
            }
        } else {
            out.add(new CodecField(prefix, base, btf.sizeOf(r)));
        }
    }
}
