package dev.ebpf4j.core.btf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Parsed BTF: the type information of the kernel ({@link #kernel()}) or of a BPF object. Immutable and thread-safe.
 *
 * <p>Parsing is pure Java and never crashes on bad input: malformed bytes raise {@link BtfFormatException}.
 *
 * {@snippet :
 * Btf kernel = Btf.kernel();
 * int id = kernel.findId("iphdr", BtfKind.STRUCT).orElseThrow();
 * long size = kernel.sizeOf(id);   // 20
 * }
 */
public final class Btf {
    static final int MAGIC = 0xEB9F;
    public static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    private final List<BtfType> types; // index = type id; 0 = void
    private final byte[] raw;

    private Btf(List<BtfType> types, byte[] raw) {
        this.types = types;
        this.raw = raw;
    }

    /** The running kernel's BTF from {@code /sys/kernel/btf/vmlinux}. */
    public static Btf kernel() {
        return read(KERNEL_BTF);
    }

    /** BTF read from a raw BTF file (not an ELF object). */
    public static Btf read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BTF from " + file, e);
        }
    }

    /** Parses raw BTF bytes (header, types, strings). */
    public static Btf parse(byte[] bytes) {
        return new BtfParser(bytes.clone()).parse();
    }

    static Btf of(List<BtfType> types, byte[] raw) {
        return new Btf(Collections.unmodifiableList(types), raw);
    }

    /** The raw bytes this was parsed from. */
    public byte[] rawBytes() {
        return raw.clone();
    }

    /** The string at this offset of the string section (names in .BTF.ext records refer to it). */
    public String string(int offset) {
        ByteBuffer buf = order(raw);
        int hdrLen = buf.getInt(4);
        return string(buf, hdrLen + buf.getInt(16), buf.getInt(20), offset);
    }

    /** Number of types, counting {@code void} as id 0. */
    public int typeCount() {
        return types.size();
    }

    /** The type with this id. */
    public BtfType type(int id) {
        if (id < 0 || id >= types.size()) throw new IllegalArgumentException("no BTF type id " + id + " (have " + types.size() + ")");
        return types.get(id);
    }

    /** All types, index = id. */
    public List<BtfType> types() {
        return types;
    }

    /** The first type with this name and kind. */
    public Optional<Integer> findId(String name, BtfKind kind) {
        for (int i = 1; i < types.size(); i++) {
            BtfType t = types.get(i);
            if (t.kind() == kind && t.name().equals(name)) return Optional.of(i);
        }
        return Optional.empty();
    }

    /** Follows typedefs and qualifiers (const, volatile, restrict, type tags) to the underlying type id. */
    public int resolve(int id) {
        for (int hops = 0; hops < 64; hops++) {
            if (type(id) instanceof BtfType.Modifier m) id = m.target();
            else return id;
        }
        throw new BtfFormatException("modifier chain too long at type " + id);
    }

    /** The size in bytes of a type, following typedefs and qualifiers and multiplying out arrays. */
    public long sizeOf(int id) {
        BtfType t = type(resolve(id));
        return switch (t) {
            case BtfType.Int i -> i.size();
            case BtfType.Ptr p -> 8;
            case BtfType.Array a -> (long) a.length() * sizeOf(a.elementType());
            case BtfType.Struct s -> s.size();
            case BtfType.Union u -> u.size();
            case BtfType.Enum e -> e.size();
            case BtfType.Float f -> f.size();
            case BtfType.DataSec d -> d.size();
            case BtfType.Var v -> sizeOf(v.type());
            default -> throw new IllegalArgumentException("type " + id + " (" + t.kind() + ") has no size");
        };
    }

    /** A readable name for a type, such as {@code "struct iphdr"} or {@code "__u32[4]"}. */
    public String describe(int id) {
        BtfType t = type(id);
        return switch (t) {
            case BtfType.Struct s -> "struct " + s.name();
            case BtfType.Union u -> "union " + u.name();
            case BtfType.Enum e -> "enum " + e.name();
            case BtfType.Array a -> describe(a.elementType()) + "[" + a.length() + "]";
            case BtfType.Ptr p -> describe(p.target()) + " *";
            case BtfType.Modifier m when m.kind() != BtfKind.TYPEDEF -> m.kind().name().toLowerCase() + " " + describe(m.target());
            default -> t.name().isEmpty() ? t.kind().name().toLowerCase() : t.name();
        };
    }

    static ByteBuffer order(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (bytes.length < 2) throw new BtfFormatException("BTF is " + bytes.length + " bytes, too short for a header");
        buf.order(ByteOrder.LITTLE_ENDIAN);
        if ((buf.getShort(0) & 0xFFFF) == MAGIC) return buf;
        buf.order(ByteOrder.BIG_ENDIAN);
        if ((buf.getShort(0) & 0xFFFF) == MAGIC) return buf;
        throw new BtfFormatException(String.format("bad BTF magic 0x%04x (want 0xeb9f)", buf.getShort(0) & 0xFFFF));
    }

    static String string(ByteBuffer buf, int strStart, int strLen, int offset) {
        if (offset < 0 || offset >= strLen) throw new BtfFormatException("string offset " + offset + " outside string section of " + strLen);
        int end = strStart + offset;
        while (end < strStart + strLen && buf.get(end) != 0) end++;
        byte[] b = new byte[end - strStart - offset];
        buf.get(strStart + offset, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static <T> List<T> list(int n) {
        return new ArrayList<>(n);
    }
}
