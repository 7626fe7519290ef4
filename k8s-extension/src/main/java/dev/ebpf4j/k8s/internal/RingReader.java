package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.List;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_LONG;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/**
 * Reads BPF ring buffers through libbpf's {@code ring_buffer} API. Interim: the observer moves to the maps module's
 * {@code RingBufferReader} once that is merged. One thread polls; {@link #close()} only after polling stopped.
 */
public final class RingReader implements AutoCloseable {
    /** Receives one record, valid only during the call. */
    @FunctionalInterface
    public interface Handler {
        void onRecord(int source, MemorySegment record);
    }

    private static final class H {
        static final MethodHandle NEW = Native.downcallErrno("ring_buffer__new",
                FunctionDescriptor.of(C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER));
        static final MethodHandle ADD = Native.downcall("ring_buffer__add", FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER));
        static final MethodHandle POLL = Native.downcall("ring_buffer__poll", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
        static final MethodHandle FREE = Native.downcall("ring_buffer__free", FunctionDescriptor.ofVoid(C_POINTER));
        static final FunctionDescriptor SAMPLE = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG);
        static final MethodHandle ON_SAMPLE;

        static {
            try {
                ON_SAMPLE = MethodHandles.lookup().findVirtual(RingReader.class, "onSample",
                        MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment rb;
    private Handler handler;
    private int delivered;
    private RuntimeException failure;
    private boolean closed;

    /** A reader over {@code rings} (ring buffer maps); a record's {@code source} is its ring's index here. */
    public RingReader(List<MapHandle> rings) {
        if (rings.isEmpty()) throw new IllegalArgumentException("no ring buffers given");
        MemorySegment stub = Native.LINKER.upcallStub(H.ON_SAMPLE.bindTo(this), H.SAMPLE, arena);
        try {
            MemorySegment opts = arena.allocate(8);
            opts.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 8);
            MemorySegment r = (MemorySegment) H.NEW.invokeExact(Native.captureSegment(), rings.get(0).fd(), stub,
                    MemorySegment.ofAddress(0), opts);
            if (r.equals(MemorySegment.NULL)) throw BpfException.of("ring buffer new", Native.capturedErrno());
            this.rb = r;
            for (int i = 1; i < rings.size(); i++) {
                int rc = (int) H.ADD.invokeExact(rb, rings.get(i).fd(), stub, MemorySegment.ofAddress(i));
                if (rc < 0) {
                    H.FREE.invokeExact(rb);
                    throw BpfException.of("ring buffer add " + rings.get(i).name(), rc);
                }
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw Native.unexpected(t);
        }
    }

    /** Consumes available records, waiting up to {@code timeout} when there are none; returns how many. */
    public int poll(Duration timeout, Handler h) {
        if (closed) throw new IllegalStateException("ring reader closed");
        handler = h;
        delivered = 0;
        failure = null;
        int rc;
        try {
            rc = (int) H.POLL.invokeExact(rb, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            handler = null;
        }
        if (failure != null) throw failure;
        if (rc < 0 && rc != -4) throw BpfException.of("ring buffer poll", rc); // -EINTR: just return
        return delivered;
    }

    @SuppressWarnings("unused") // upcall target
    private int onSample(MemorySegment ctx, MemorySegment data, long size) {
        try {
            handler.onRecord((int) ctx.address(), data.reinterpret(size));
            delivered++;
            return 0;
        } catch (RuntimeException e) {
            failure = e;
            return -1; // stops this poll; the exception is rethrown by poll()
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            H.FREE.invokeExact(rb);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            arena.close();
        }
    }
}
