package dev.ebpf4j.core.build;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.BtfKind;
import dev.ebpf4j.core.btf.BtfType;
import dev.ebpf4j.core.build.TypeModel.Field;
import dev.ebpf4j.core.build.TypeModel.Shape;

/** C declarations and the Java fields that hold C scalars, for {@link JavaTypeGenerator}. */
final class CTypes {
    private CTypes() {}

    /** A C declaration: {@code __u32 ports[3]}, {@code struct {...} pair}. */
    static String declaration(Btf btf, int typeId, String name) {
        StringBuilder dims = new StringBuilder();
        int id = typeId;
        while (btf.type(id) instanceof BtfType.Array a) {
            dims.append('[').append(a.length()).append(']');
            id = a.elementType();
        }
        String type = switch (btf.type(id)) {
            case BtfType.Struct s when s.name().isEmpty() -> "struct {...}";
            case BtfType.Union u when u.name().isEmpty() -> "union {...}";
            default -> btf.describe(id);
        };
        return type + " " + name + dims;
    }

    /** Kernel typedefs such as {@code __be32} say the value is stored in network byte order. */
    static String byteOrderNote(Btf btf, int typeId) {
        for (int id = typeId, hops = 0; hops < 64 && btf.type(id) instanceof BtfType.Modifier m; hops++, id = m.target()) {
            if (m.kind() == BtfKind.TYPEDEF && m.name().matches("__be(16|32|64)")) {
                return "big-endian (network order) in C: the Java value holds the bytes as stored, so on a little-endian"
                        + " host use Integer/Short/Long.reverseBytes for the number";
            }
        }
        return null;
    }

    static String typedefName(Btf btf, int id) {
        for (int hops = 0; hops < 64 && btf.type(id) instanceof BtfType.Modifier m; hops++, id = m.target()) {
            if (m.kind() == BtfKind.TYPEDEF) return m.name();
        }
        return "";
    }

    static Field scalar(String name, String decl, int offset, int size, String note) {
        return switch (size) {
            case 1 -> new Field(name, decl, offset, 1, Shape.SCALAR, "byte", "JAVA_BYTE", 1, null, 1, note);
            case 2 -> new Field(name, decl, offset, 2, Shape.SCALAR, "short", "JAVA_SHORT_UNALIGNED", 1, null, 2, note);
            case 4 -> new Field(name, decl, offset, 4, Shape.SCALAR, "int", "JAVA_INT_UNALIGNED", 1, null, 4, note);
            case 8 -> new Field(name, decl, offset, 8, Shape.SCALAR, "long", "JAVA_LONG_UNALIGNED", 1, null, 8, note);
            default -> bytes(name, decl, offset, size, "a " + size + "-byte scalar, kept as bytes");
        };
    }

    static Field bytes(String name, String decl, int offset, int size, String note) {
        return new Field(name, decl, offset, size, Shape.BYTES, "byte[]", "JAVA_BYTE", size, null, 1, note);
    }

    static String unsignedHint(int size) {
        return switch (size) {
            case 1 -> ": use Byte.toUnsignedInt";
            case 2 -> ": use Short.toUnsignedInt";
            case 4 -> ": use Integer.toUnsignedLong";
            default -> ": use Long.toUnsignedString and Long.compareUnsigned";
        };
    }

    static String join(String a, String b) {
        if (a == null) return b;
        return b == null ? a : a + "; " + b;
    }
}
