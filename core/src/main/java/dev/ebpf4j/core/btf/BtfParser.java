package dev.ebpf4j.core.btf;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Reads the BTF wire format: a header, then {@code struct btf_type} records with kind-specific tails, then strings. */
final class BtfParser {
    private final ByteBuffer buf;
    private int strStart;
    private int strLen;

    private final byte[] bytes;

    BtfParser(byte[] bytes) {
        this.bytes = bytes;
        this.buf = Btf.order(bytes);
    }

    Btf parse() {
        try {
            return parseChecked(bytes);
        } catch (IndexOutOfBoundsException | BufferUnderflowException e) {
            throw new BtfFormatException("truncated BTF: " + e.getMessage());
        }
    }

    private Btf parseChecked(byte[] raw) {
        int hdrLen = buf.getInt(4);
        if (hdrLen < 24 || hdrLen > buf.capacity()) throw new BtfFormatException("BTF header length " + hdrLen + " is invalid");
        int typeOff = buf.getInt(8), typeLen = buf.getInt(12), strOff = buf.getInt(16);
        strLen = buf.getInt(20);
        long typeEnd = (long) hdrLen + typeOff + typeLen, strEnd = (long) hdrLen + strOff + strLen;
        if (typeOff < 0 || typeLen < 0 || strOff < 0 || strLen < 0 || typeEnd > buf.capacity() || strEnd > buf.capacity()) {
            throw new BtfFormatException("BTF sections (types " + typeOff + "+" + typeLen + ", strings " + strOff + "+"
                    + strLen + ") exceed the " + buf.capacity() + " bytes given");
        }
        strStart = hdrLen + strOff;
        List<BtfType> types = new ArrayList<>();
        types.add(new BtfType.Void());
        buf.position(hdrLen + typeOff);
        while (buf.position() < typeEnd) types.add(readType());
        if (buf.position() != typeEnd) throw new BtfFormatException("last BTF type overruns the type section");
        return Btf.of(types, raw);
    }

    private String str(int offset) {
        return Btf.string(buf, strStart, strLen, offset);
    }

    private BtfType readType() {
        String name = str(buf.getInt());
        int info = buf.getInt();
        int sizeOrType = buf.getInt();
        int vlen = info & 0xFFFF;
        boolean kindFlag = (info >>> 31) != 0;
        BtfKind kind = BtfKind.of((info >>> 24) & 0x1F);
        return switch (kind) {
            case INT -> {
                int enc = buf.getInt();
                int encoding = (enc >>> 24) & 0x0F;
                yield new BtfType.Int(name, sizeOrType, enc & 0xFF, (enc >>> 16) & 0xFF,
                        (encoding & 1) != 0, (encoding & 2) != 0, (encoding & 4) != 0);
            }
            case PTR -> new BtfType.Ptr(name, sizeOrType);
            case ARRAY -> new BtfType.Array(name, buf.getInt(), buf.getInt(), buf.getInt());
            case STRUCT, UNION -> {
                List<BtfType.Member> members = Btf.list(vlen);
                for (int i = 0; i < vlen; i++) {
                    String member = str(buf.getInt());
                    int type = buf.getInt(), offset = buf.getInt();
                    members.add(kindFlag ? new BtfType.Member(member, type, offset & 0xFFFFFF, offset >>> 24)
                            : new BtfType.Member(member, type, offset, 0));
                }
                yield kind == BtfKind.STRUCT ? new BtfType.Struct(name, sizeOrType, List.copyOf(members))
                        : new BtfType.Union(name, sizeOrType, List.copyOf(members));
            }
            case ENUM, ENUM64 -> {
                List<BtfType.EnumValue> values = Btf.list(vlen);
                for (int i = 0; i < vlen; i++) {
                    String value = str(buf.getInt());
                    long v = kind == BtfKind.ENUM ? (kindFlag ? buf.getInt() : Integer.toUnsignedLong(buf.getInt()))
                            : Integer.toUnsignedLong(buf.getInt()) | ((long) buf.getInt() << 32);
                    values.add(new BtfType.EnumValue(value, v));
                }
                yield new BtfType.Enum(name, sizeOrType, kindFlag, List.copyOf(values), kind == BtfKind.ENUM64);
            }
            case FWD -> new BtfType.Fwd(name, kindFlag);
            case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> new BtfType.Modifier(name, kind, sizeOrType);
            case FUNC -> new BtfType.Func(name, sizeOrType, vlen);
            case FUNC_PROTO -> {
                List<BtfType.Param> params = Btf.list(vlen);
                for (int i = 0; i < vlen; i++) params.add(new BtfType.Param(str(buf.getInt()), buf.getInt()));
                yield new BtfType.FuncProto(name, sizeOrType, List.copyOf(params));
            }
            case VAR -> new BtfType.Var(name, sizeOrType, buf.getInt());
            case DATASEC -> {
                List<BtfType.SectionVar> vars = Btf.list(vlen);
                for (int i = 0; i < vlen; i++) vars.add(new BtfType.SectionVar(buf.getInt(), buf.getInt(), buf.getInt()));
                yield new BtfType.DataSec(name, sizeOrType, List.copyOf(vars));
            }
            case FLOAT -> new BtfType.Float(name, sizeOrType);
            case DECL_TAG -> new BtfType.DeclTag(name, sizeOrType, buf.getInt());
            case VOID -> throw new BtfFormatException("BTF type with kind 0");
        };
    }
}
