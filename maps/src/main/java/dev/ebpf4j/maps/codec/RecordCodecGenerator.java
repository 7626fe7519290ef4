package dev.ebpf4j.maps.codec;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.ByteCodeAppender;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.matcher.ElementMatchers;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;

/**
 * Generates a {@link GeneratedCodec} subclass per record with ByteBuddy. The generated {@code encodeFields} and
 * {@code decodeFields} call the record's accessors and canonical constructor directly and the component codecs
 * through per-class call sites, so the JIT sees monomorphic calls and the hot path does no reflection.
 */
final class RecordCodecGenerator {
    private static final String SEG = Type.getInternalName(MemorySegment.class);
    private static final String CODEC = Type.getInternalName(Codec.class);
    private static final String PRIM = Type.getInternalName(PrimitiveCodec.class);
    private static final String BASE = Type.getInternalName(GeneratedCodec.class);
    private static final String SEG_DESC = Type.getDescriptor(MemorySegment.class);

    private RecordCodecGenerator() {}

    static Codec<?> generate(RecordShape shape) {
        Class<?> type = shape.type();
        RecordComponent[] comps = type.getRecordComponents();
        var builder = new ByteBuddy().subclass(GeneratedCodec.class).name(type.getName() + "$Ebpf4jCodec");
        for (int i = 0; i < comps.length; i++) {
            builder = builder.defineField("c" + i, comps[i].getType().isPrimitive() ? PrimitiveCodec.class : Codec.class,
                    Visibility.PUBLIC);
        }
        String owner = (type.getName() + "$Ebpf4jCodec").replace('.', '/');
        try {
            Class<?> generated = builder
                    .method(ElementMatchers.named("encodeFields")).intercept(new Implementation.Simple(encode(shape, owner)))
                    .method(ElementMatchers.named("decodeFields")).intercept(new Implementation.Simple(decode(shape, owner)))
                    .make()
                    .load(type.getClassLoader(), strategy(type))
                    .getLoaded();
            GeneratedCodec<?> codec = (GeneratedCodec<?>) generated.getConstructor().newInstance();
            for (int i = 0; i < comps.length; i++) generated.getField("c" + i).set(codec, shape.codecs().get(i));
            codec.init(shape);
            return codec;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot generate a codec for " + type.getName(), e);
        }
    }

    private static ClassLoadingStrategy<ClassLoader> strategy(Class<?> type) {
        try {
            Module self = RecordCodecGenerator.class.getModule();
            if (!self.canRead(type.getModule())) self.addReads(type.getModule());
            return ClassLoadingStrategy.UsingLookup.of(MethodHandles.privateLookupIn(type, MethodHandles.lookup()));
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("cannot define a codec next to " + type.getName() + ": open package "
                    + type.getPackageName() + " to module dev.ebpf4j.maps", e);
        }
    }

    private static ByteCodeAppender encode(RecordShape shape, String owner) {
        Class<?> type = shape.type();
        RecordComponent[] comps = type.getRecordComponents();
        String rec = Type.getInternalName(type);
        return (MethodVisitor mv, Implementation.Context ctx, MethodDescription md) -> {
            // locals: 0 this, 1 value, 2 segment, 3-4 offset, 5 record
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitTypeInsn(Opcodes.CHECKCAST, rec);
            mv.visitVarInsn(Opcodes.ASTORE, 5);
            for (long[] gap : shape.gaps()) {
                mv.visitVarInsn(Opcodes.ALOAD, 2);
                offset(mv, gap[0]);
                mv.visitLdcInsn(gap[1]);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, BASE, "zero", "(" + SEG_DESC + "JJ)V", false);
            }
            for (int i = 0; i < comps.length; i++) {
                Class<?> t = comps[i].getType();
                boolean prim = t.isPrimitive();
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitFieldInsn(Opcodes.GETFIELD, owner, "c" + i, "L" + (prim ? PRIM : CODEC) + ";");
                mv.visitVarInsn(Opcodes.ALOAD, 5);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, rec, comps[i].getName(), "()" + Type.getDescriptor(t), false);
                if (prim && t != long.class) mv.visitInsn(Opcodes.I2L);
                mv.visitVarInsn(Opcodes.ALOAD, 2);
                offset(mv, shape.offsets()[i]);
                if (prim) mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, PRIM, "encodeLong", "(J" + SEG_DESC + "J)V", true);
                else mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, CODEC, "encode", "(Ljava/lang/Object;" + SEG_DESC + "J)V", true);
            }
            mv.visitInsn(Opcodes.RETURN);
            return new ByteCodeAppender.Size(12, 6);
        };
    }

    private static ByteCodeAppender decode(RecordShape shape, String owner) {
        Class<?> type = shape.type();
        RecordComponent[] comps = type.getRecordComponents();
        String rec = Type.getInternalName(type);
        StringBuilder ctor = new StringBuilder("(");
        for (RecordComponent c : comps) ctor.append(Type.getDescriptor(c.getType()));
        ctor.append(")V");
        return (MethodVisitor mv, Implementation.Context ctx, MethodDescription md) -> {
            // locals: 0 this, 1 segment, 2-3 offset
            mv.visitTypeInsn(Opcodes.NEW, rec);
            mv.visitInsn(Opcodes.DUP);
            for (int i = 0; i < comps.length; i++) {
                Class<?> t = comps[i].getType();
                boolean prim = t.isPrimitive();
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitFieldInsn(Opcodes.GETFIELD, owner, "c" + i, "L" + (prim ? PRIM : CODEC) + ";");
                mv.visitVarInsn(Opcodes.ALOAD, 1);
                mv.visitVarInsn(Opcodes.LLOAD, 2);
                mv.visitLdcInsn(shape.offsets()[i]);
                mv.visitInsn(Opcodes.LADD);
                if (prim) {
                    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, PRIM, "decodeLong", "(" + SEG_DESC + "J)J", true);
                    if (t != long.class) mv.visitInsn(Opcodes.L2I);
                    if (t == short.class) mv.visitInsn(Opcodes.I2S);
                    else if (t == byte.class) mv.visitInsn(Opcodes.I2B);
                    else if (t == char.class) mv.visitInsn(Opcodes.I2C);
                } else {
                    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, CODEC, "decode", "(" + SEG_DESC + "J)Ljava/lang/Object;", true);
                    mv.visitTypeInsn(Opcodes.CHECKCAST, Type.getInternalName(t));
                }
            }
            mv.visitMethodInsn(Opcodes.INVOKESPECIAL, rec, "<init>", ctor.toString(), false);
            mv.visitInsn(Opcodes.ARETURN);
            return new ByteCodeAppender.Size(8 + 2 * comps.length, 4);
        };
    }

    /** Pushes {@code offset + constant} (the offset parameter is in locals 3-4 of encodeFields). */
    private static void offset(MethodVisitor mv, long constant) {
        mv.visitVarInsn(Opcodes.LLOAD, 3);
        mv.visitLdcInsn(constant);
        mv.visitInsn(Opcodes.LADD);
    }
}
