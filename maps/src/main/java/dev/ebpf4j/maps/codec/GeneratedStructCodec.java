package dev.ebpf4j.maps.codec;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A codec over a record generated from BTF by {@code dev.ebpf4j.core.build.JavaTypeGenerator}: such a record already
 * knows its C layout ({@code BYTES}, {@code LAYOUT}, {@code read}, {@code write}), arrays and nested structs
 * included, so it is used as it is rather than laid out again from annotations.
 */
final class GeneratedStructCodec<T> implements Codec<T> {
    private final Class<T> type;
    private final int size;
    private final int alignment;
    private final List<CodecField> fields;
    private final MethodHandle read;
    private final MethodHandle write;

    private GeneratedStructCodec(Class<T> type, StructLayout layout, int size, MethodHandle read, MethodHandle write) {
        this.type = type;
        this.size = size;
        List<CodecField> f = new ArrayList<>();
        int[] align = {1};
        leaves(layout, "", 0, f, align);
        this.fields = List.copyOf(f);
        this.alignment = align[0];
        this.read = read;
        this.write = write;
    }

    /** The codec of {@code type} if it has the generated shape, else null. */
    static <T> Codec<T> tryOf(Class<T> type) {
        try {
            Field bytes = type.getField("BYTES"), layout = type.getField("LAYOUT");
            Method read = type.getMethod("read", MemorySegment.class, long.class);
            Method write = type.getMethod("write", MemorySegment.class, long.class);
            if (!Modifier.isStatic(bytes.getModifiers()) || bytes.getType() != int.class
                    || !Modifier.isStatic(layout.getModifiers()) || !StructLayout.class.isAssignableFrom(layout.getType())
                    || !Modifier.isStatic(read.getModifiers()) || read.getReturnType() != type
                    || Modifier.isStatic(write.getModifiers())) {
                return null;
            }
            StructLayout l = (StructLayout) layout.get(null);
            int size = bytes.getInt(null);
            if (l.byteSize() != size) {
                throw new IllegalArgumentException(type.getName() + ": LAYOUT is " + l.byteSize() + " bytes but BYTES says " + size);
            }
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle r = lookup.unreflect(read).asType(MethodType.methodType(Object.class, MemorySegment.class, long.class));
            MethodHandle w = lookup.unreflect(write).asType(MethodType.methodType(void.class, Object.class, MemorySegment.class, long.class));
            return new GeneratedStructCodec<>(type, l, size, r, w);
        } catch (NoSuchFieldException | NoSuchMethodException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException(type.getName() + " has the shape of a generated struct record but is not public: "
                    + e.getMessage(), e);
        }
    }

    /** Leaves as the BTF check sees them: nested structs flattened, arrays and unions whole; padding skipped. */
    private static void leaves(MemoryLayout l, String prefix, long base, List<CodecField> out, int[] align) {
        if (l instanceof StructLayout s) {
            long at = base;
            for (MemoryLayout m : s.memberLayouts()) {
                if (!(m instanceof PaddingLayout)) {
                    String n = m.name().orElse("");
                    leaves(m, prefix.isEmpty() ? n : prefix + "." + n, at, out, align);
                }
                at += m.byteSize();
            }
            return;
        }
        align[0] = Math.max(align[0], naturalAlignment(l));
        out.add(new CodecField(prefix, base, l.byteSize()));
    }

    /** C alignment of a leaf: generated layouts use unaligned value layouts, so derive it from the element size. */
    private static int naturalAlignment(MemoryLayout l) {
        return switch (l) {
            case ValueLayout v -> (int) Math.min(8, v.byteSize());
            case SequenceLayout s -> naturalAlignment(s.elementLayout());
            case GroupLayout g -> g.memberLayouts().stream().mapToInt(GeneratedStructCodec::naturalAlignment).max().orElse(1);
            default -> 1;
        };
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int alignment() {
        return alignment;
    }

    @Override
    public void encode(T value, MemorySegment dst, long offset) {
        Objects.requireNonNull(value, () -> type.getSimpleName() + " value is null");
        try {
            write.invokeExact((Object) value, dst, offset);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public T decode(MemorySegment src, long offset) {
        try {
            return type.cast((Object) read.invokeExact(src, offset));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public List<CodecField> fields() {
        return fields;
    }

    @Override
    public String describe() {
        return "generated struct record " + type.getSimpleName() + " (" + size + " B)";
    }
}
