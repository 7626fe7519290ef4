package dev.ebpf4j.maps.codec;

import java.lang.reflect.RecordComponent;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Picks codecs for Java types and lays records out like C structs. */
final class Codecs {
    private static final ConcurrentHashMap<Class<?>, Codec<?>> CACHE = new ConcurrentHashMap<>();

    private Codecs() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> Codec<T> of(Class<T> type) {
        if (type == Integer.class || type == int.class) return (Codec<T>) IntCodec.S32;
        if (type == Long.class || type == long.class) return (Codec<T>) IntCodec.S64;
        if (type == Short.class || type == short.class) return (Codec<T>) IntCodec.S16;
        if (type == Byte.class || type == byte.class) return (Codec<T>) IntCodec.S8;
        if (type == Inet4Address.class) return (Codec<T>) AddressCodec.V4;
        if (type == Inet6Address.class) return (Codec<T>) AddressCodec.V6;
        if (type.isEnum()) return new EnumCodec(type, 4);
        if (type.isRecord()) {
            return (Codec<T>) CACHE.computeIfAbsent(type, t -> {
                Codec<?> generatedFromBtf = GeneratedStructCodec.tryOf(t);
                return generatedFromBtf != null ? generatedFromBtf : RecordCodecGenerator.generate(shape(t));
            });
        }
        throw new IllegalArgumentException("no codec for " + type.getName()
                + ": use a record, a boxed integer, Inet4Address/Inet6Address, an enum, or Codec.bytes/Codec.array");
    }

    static RecordShape shape(Class<?> type) {
        RecordComponent[] comps = type.getRecordComponents();
        if (comps.length == 0) throw new IllegalArgumentException("record " + type.getName() + " has no components");
        List<Codec<?>> codecs = new ArrayList<>();
        List<CodecField> fields = new ArrayList<>();
        List<long[]> gaps = new ArrayList<>();
        long[] offsets = new long[comps.length];
        long pos = 0;
        int align = 1;
        for (int i = 0; i < comps.length; i++) {
            Codec<?> c = component(type, comps[i]);
            long at = Layout.alignUp(pos, c.alignment());
            if (at > pos) gaps.add(new long[] {pos, at - pos});
            offsets[i] = at;
            for (CodecField f : c.fields()) fields.add(f.under(comps[i].getName(), at));
            codecs.add(c);
            pos = at + c.size();
            align = Math.max(align, c.alignment());
        }
        long size = Layout.alignUp(pos, align);
        if (size > pos) gaps.add(new long[] {pos, size - pos});
        return new RecordShape(type, List.copyOf(codecs), offsets, (int) size, align, List.copyOf(fields), gaps);
    }

    private static Codec<?> component(Class<?> owner, RecordComponent rc) {
        Class<?> t = rc.getType();
        Unsigned u = rc.getAnnotation(Unsigned.class);
        boolean network = rc.getAnnotation(NetworkOrder.class) != null;
        Length len = rc.getAnnotation(Length.class);
        String where = owner.getSimpleName() + "." + rc.getName();
        if (t == byte[].class) {
            if (len == null) throw new IllegalArgumentException(where + ": a byte[] component needs @Length(n)");
            return new BytesCodec(len.value());
        }
        if (t == boolean.class || t == float.class || t == double.class) {
            throw new IllegalArgumentException(where + ": " + t + " components are not supported; use an integer type");
        }
        if (t.isPrimitive()) return integer(where, t, u, network);
        if (u != null || network) throw new IllegalArgumentException(where + ": @Unsigned/@NetworkOrder apply to primitive integer components only");
        if (t == Integer.class || t == Long.class || t == Short.class || t == Byte.class) {
            throw new IllegalArgumentException(where + ": use a primitive (int, long, ...) instead of " + t.getSimpleName());
        }
        return of(t);
    }

    private static Codec<?> integer(String where, Class<?> t, Unsigned u, boolean network) {
        int javaBits = t == long.class ? 64 : t == int.class ? 32 : t == short.class || t == char.class ? 16 : 8;
        if (t == char.class) return IntCodec.U16;
        if (u == null) {
            if (network) throw new IllegalArgumentException(where + ": @NetworkOrder needs @Unsigned(bits = 16 or 32) too");
            return switch (javaBits) {
                case 64 -> IntCodec.S64;
                case 32 -> IntCodec.S32;
                case 16 -> IntCodec.S16;
                default -> IntCodec.S8;
            };
        }
        if (u.bits() >= javaBits) {
            throw new IllegalArgumentException(where + ": an unsigned " + u.bits() + "-bit value needs a Java type wider than "
                    + t + " (use " + (u.bits() == 32 ? "long" : "int") + ")");
        }
        return switch (u.bits()) {
            case 8 -> {
                if (network) throw new IllegalArgumentException(where + ": @NetworkOrder makes no sense for 8 bits");
                yield IntCodec.U8;
            }
            case 16 -> network ? IntCodec.BE16 : IntCodec.U16;
            case 32 -> network ? IntCodec.BE32 : IntCodec.U32;
            default -> throw new IllegalArgumentException(where + ": @Unsigned bits must be 8, 16 or 32, got " + u.bits());
        };
    }
}
