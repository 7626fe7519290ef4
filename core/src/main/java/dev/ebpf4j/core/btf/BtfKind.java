package dev.ebpf4j.core.btf;

/** BTF type kinds, numbered as in the kernel's {@code BTF_KIND_*}. */
public enum BtfKind {
    VOID, INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR,
    DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64;

    static BtfKind of(int kind) {
        BtfKind[] all = values();
        if (kind <= 0 || kind >= all.length) throw new BtfFormatException("unknown BTF kind " + kind);
        return all[kind];
    }
}
