package dev.ebpf4j.core.btf;

import java.util.List;

/**
 * One BTF type. Ids refer to other types in the same {@link Btf}; id 0 is {@code void}.
 * Struct member offsets are in bits, as in BTF.
 */
public sealed interface BtfType {
    /** The type's name, or an empty string for anonymous types. */
    String name();

    BtfKind kind();

    record Void() implements BtfType {
        public String name() { return "void"; }
        public BtfKind kind() { return BtfKind.VOID; }
    }

    /** An integer; {@code bits} is its width, {@code signed} from the encoding. */
    record Int(String name, int size, int bits, int bitOffset, boolean signed, boolean isChar, boolean isBool) implements BtfType {
        public BtfKind kind() { return BtfKind.INT; }
    }

    record Ptr(String name, int target) implements BtfType {
        public BtfKind kind() { return BtfKind.PTR; }
    }

    record Array(String name, int elementType, int indexType, int length) implements BtfType {
        public BtfKind kind() { return BtfKind.ARRAY; }
    }

    /** A struct member; {@code bitfieldSize} is 0 for ordinary members. */
    record Member(String name, int type, int bitOffset, int bitfieldSize) {
        /** The byte offset, for members that are not bitfields. */
        public int byteOffset() { return bitOffset / 8; }
    }

    record Struct(String name, int size, List<Member> members) implements BtfType {
        public BtfKind kind() { return BtfKind.STRUCT; }
    }

    record Union(String name, int size, List<Member> members) implements BtfType {
        public BtfKind kind() { return BtfKind.UNION; }
    }

    record EnumValue(String name, long value) {}

    record Enum(String name, int size, boolean signed, List<EnumValue> values, boolean is64) implements BtfType {
        public BtfKind kind() { return is64 ? BtfKind.ENUM64 : BtfKind.ENUM; }
    }

    record Fwd(String name, boolean isUnion) implements BtfType {
        public BtfKind kind() { return BtfKind.FWD; }
    }

    /** TYPEDEF, VOLATILE, CONST, RESTRICT and TYPE_TAG: a name or qualifier on another type. */
    record Modifier(String name, BtfKind kind, int target) implements BtfType {}

    record Func(String name, int protoType, int linkage) implements BtfType {
        public BtfKind kind() { return BtfKind.FUNC; }
    }

    record Param(String name, int type) {}

    record FuncProto(String name, int returnType, List<Param> params) implements BtfType {
        public BtfKind kind() { return BtfKind.FUNC_PROTO; }
    }

    record Var(String name, int type, int linkage) implements BtfType {
        public BtfKind kind() { return BtfKind.VAR; }
    }

    /** A variable placed in a data section, at {@code offset} bytes. */
    record SectionVar(int type, int offset, int size) {}

    record DataSec(String name, int size, List<SectionVar> vars) implements BtfType {
        public BtfKind kind() { return BtfKind.DATASEC; }
    }

    record Float(String name, int size) implements BtfType {
        public BtfKind kind() { return BtfKind.FLOAT; }
    }

    record DeclTag(String name, int target, int componentIndex) implements BtfType {
        public BtfKind kind() { return BtfKind.DECL_TAG; }
    }
}
