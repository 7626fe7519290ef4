package dev.ebpf4j.core.internal.libbpf;

import dev.ebpf4j.core.internal.loader.NativeLibrary;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcall plumbing shared by every binding class: symbol lookup in the loaded libbpf and in libc,
 * and errno capture for calls that report failure through errno instead of a negative return value.
 *
 * <p>libbpf 1.x (always in "1.0 mode") returns {@code -errno} from int-returning functions, so those
 * need no capture; pointer-returning functions return NULL and set errno, so they use {@link #downcallErrno}.
 */
public final class Native {
    public static final Linker LINKER = Linker.nativeLinker();
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final java.lang.foreign.AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE_LAYOUT));

    private Native() {}

    /** The loaded libbpf's symbols (loads it on first use). */
    public static SymbolLookup libbpf() {
        return NativeLibrary.get().symbols();
    }

    /** A libbpf function. */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(libbpf(), name), descriptor);
    }

    /** A libbpf function called with {@link Linker.Option#critical(boolean)}: no thread state transition, for short calls. */
    public static MethodHandle downcallCritical(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(libbpf(), name), descriptor, Linker.Option.critical(false));
    }

    /** A libbpf function whose first parameter becomes the errno capture segment (see {@link #captureSegment()}). */
    public static MethodHandle downcallErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(libbpf(), name), descriptor, Linker.Option.captureCallState("errno"));
    }

    /** A libc function, with errno captured into the first parameter. */
    public static MethodHandle libcErrno(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(find(LINKER.defaultLookup(), name), descriptor, options);
    }

    /** A libc function without errno capture. */
    public static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(LINKER.defaultLookup(), name), descriptor);
    }

    /** This thread's errno capture segment; pass it as the first argument of an errno-capturing handle. */
    public static MemorySegment captureSegment() {
        return CAPTURE.get();
    }

    /** The errno captured by this thread's last errno-capturing call. */
    public static int capturedErrno() {
        return (int) ERRNO.get(CAPTURE.get(), 0L);
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                "symbol " + name + " not found in " + (lookup == LINKER.defaultLookup() ? "libc" : NativeLibrary.get().path())));
    }

    /** Wraps a checked throwable that {@code MethodHandle.invokeExact} declares but a downcall never throws. */
    public static AssertionError unexpected(Throwable t) {
        return new AssertionError("unexpected exception from a native call", t);
    }
}
