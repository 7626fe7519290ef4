package dev.ebpf4j.core.internal.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;
import static dev.ebpf4j.core.internal.libbpf.Native.C_SIZE_T;

/**
 * libbpf's print callback, routed to {@link System.Logger} {@code dev.ebpf4j.libbpf} (WARN to WARNING, INFO to
 * INFO, DEBUG to DEBUG), never raw to stderr. While a thread runs inside {@link #capture()}, the lines it prints
 * are also collected, which is how a failed load recovers the verifier log.
 *
 * @implNote The callback gets a {@code va_list}; on x86_64 that is a pointer to a 24-byte struct, and copying
 * those bytes is exactly {@code va_copy}, which lets us measure with one {@code vsnprintf} and format with a second.
 * On aarch64 {@code va_list} is a 32-byte struct passed by reference the same way at this ABI boundary.
 */
public final class LibbpfLog {
    private static final System.Logger LOG = System.getLogger("dev.ebpf4j.libbpf");
    private static final int VA_LIST_SIZE = "aarch64".equals(System.getProperty("os.arch")) ? 32 : 24;
    private static final ThreadLocal<List<String>> CAPTURE = new ThreadLocal<>();
    private static final MethodHandle VSNPRINTF = Native.libc("vsnprintf",
            FunctionDescriptor.of(C_INT, C_POINTER, C_SIZE_T, C_POINTER, C_POINTER));
    private static volatile boolean installed;

    private LibbpfLog() {}

    /** Installs the callback once; called by every entry point that can make libbpf print. */
    public static void install() {
        if (installed) return;
        synchronized (LibbpfLog.class) {
            if (installed) return;
            try {
                MethodHandle target = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                        MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
                MemorySegment stub = Native.LINKER.upcallStub(target,
                        FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER), Arena.global());
                MethodHandle setPrint = Native.downcall("libbpf_set_print", FunctionDescriptor.of(C_POINTER, C_POINTER));
                MemorySegment ignored = (MemorySegment) setPrint.invokeExact(stub);
            } catch (Throwable t) {
                throw new IllegalStateException("could not install the libbpf print callback", t);
            }
            installed = true;
        }
    }

    /** Starts collecting this thread's libbpf output; close the returned scope to stop and read it. */
    public static Capture capture() {
        install();
        List<String> lines = new ArrayList<>();
        List<String> previous = CAPTURE.get();
        CAPTURE.set(lines);
        return new Capture(lines, previous);
    }

    /** Formats a C {@code printf} format with a {@code va_list}; used by every callback that receives one. */
    public static String format(MemorySegment fmt, MemorySegment vaList) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment args = vaList.reinterpret(VA_LIST_SIZE);
            MemorySegment copy = arena.allocate(VA_LIST_SIZE, 16).copyFrom(args);
            int length = (int) VSNPRINTF.invokeExact(MemorySegment.NULL, 0L, fmt, copy);
            if (length <= 0) return "";
            MemorySegment buf = arena.allocate(length + 1L);
            copy.copyFrom(args);
            int written = (int) VSNPRINTF.invokeExact(buf, (long) length + 1, fmt, copy);
            return buf.getString(0);
        } catch (Throwable t) {
            return "<unformattable libbpf message: " + t + ">";
        }
    }

    @SuppressWarnings("unused") // called from native code
    private static int print(int level, MemorySegment fmt, MemorySegment vaList) {
        try {
            String text = format(fmt.reinterpret(Long.MAX_VALUE), vaList);
            List<String> lines = CAPTURE.get();
            if (lines != null) lines.add(text);
            System.Logger.Level javaLevel = switch (level) {
                case 0 -> lines != null ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING;
                case 1 -> System.Logger.Level.INFO;
                default -> System.Logger.Level.DEBUG;
            };
            if (LOG.isLoggable(javaLevel)) LOG.log(javaLevel, text.stripTrailing());
        } catch (Throwable t) {
            // An exception must never unwind into libbpf.
        }
        return 0;
    }

    /** Lines collected from libbpf on one thread. While capturing, libbpf warnings are logged at DEBUG: the caller reports them. */
    public static final class Capture implements AutoCloseable {
        private final List<String> lines;
        private final List<String> previous;

        private Capture(List<String> lines, List<String> previous) {
            this.lines = lines;
            this.previous = previous;
        }

        /** Everything printed so far, joined. */
        public String text() {
            return String.join("", lines);
        }

        @Override
        public void close() {
            CAPTURE.set(previous);
        }
    }
}
