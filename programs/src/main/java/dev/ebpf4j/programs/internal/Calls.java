package dev.ebpf4j.programs.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.internal.libbpf.Native;


/** Invokes libbpf int-returning calls and turns {@code -errno} into a {@link BpfException}. */
public final class Calls {
    private Calls() {}

    /** A body that calls {@code MethodHandle.invokeExact}. */
    @FunctionalInterface
    public interface IntCall {
        int call() throws Throwable;
    }

    /** Runs the call; a negative result becomes {@code BpfException.of(operation, result)}. */
    public static int check(String operation, IntCall call) {
        int r = raw(call);
        if (r < 0) throw BpfException.of(operation, r);
        return r;
    }

    /** Runs the call and returns its result, negative or not. */
    public static int raw(IntCall call) {
        try {
            return call.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

}
