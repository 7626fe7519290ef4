package dev.ebpf4j.core;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.internal.libbpf.LibbpfLog;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.core.internal.libbpf.ObjectCalls;
import dev.ebpf4j.core.internal.libbpf.OpenOptionsLayout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loaded BPF object: it owns its maps and programs, and closing it closes all of their file descriptors
 * (links made from its programs are owned by whoever made them).
 *
 * {@snippet :
 * try (BpfObject obj = BpfObject.open(Path.of("counter.bpf.o")).load()) {
 *     MapHandle counts = obj.map("counts");
 *     ProgramHandle prog = obj.program("xdp_count");
 * }
 * }
 *
 * <p>Thread-safe for lookups. {@link #close()} is idempotent; handles used after it throw {@link IllegalStateException}.
 */
public final class BpfObject implements AutoCloseable {
    private final MemorySegment object;
    private final String name;
    private final Map<String, MapHandle> maps = new LinkedHashMap<>();
    private final Map<String, ProgramHandle> programs = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Optional<Btf> btf;
    private final Arena buffer;

    BpfObject(MemorySegment object, Arena buffer, String name, Map<String, MemorySegment> mapPtrs,
              Map<String, MemorySegment> progPtrs) {
        this.object = object;
        this.buffer = buffer;
        this.name = name;
        this.btf = objectBtf(object);
        mapPtrs.forEach((n, m) -> maps.put(n, MapHandle.of(this, n, m)));
        progPtrs.forEach((n, p) -> programs.put(n, ProgramHandle.of(this, n, p)));
    }

    /** Opens an object file. */
    public static BpfObjectSpec open(Path file) {
        return open(file, ObjectOptions.defaults());
    }

    /** Opens an object file with options that must be set at open time. */
    public static BpfObjectSpec open(Path file, ObjectOptions options) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no object file at " + file);
        LibbpfLog.install();
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture capture = LibbpfLog.capture()) {
            MemorySegment opts = options(arena, options);
            MemorySegment path = arena.allocateFrom(file.toString());
            MemorySegment obj = BpfObjectSpec.call(() -> (MemorySegment) ObjectCalls.OPEN_FILE.invokeExact(
                    Native.captureSegment(), path, opts));
            return opened(obj, "object open " + file, capture, null);
        }
    }

    /** Opens an object from its bytes (an ELF BPF object); {@code name} names it in messages and map names. */
    public static BpfObjectSpec open(byte[] elf, String name) {
        return open(elf, ObjectOptions.defaults().objectName(name));
    }

    /** Opens an object from its bytes with options; the bytes are copied. */
    public static BpfObjectSpec open(byte[] elf, ObjectOptions options) {
        if (elf.length == 0) throw new IllegalArgumentException("object bytes are empty");
        LibbpfLog.install();
        // The ELF buffer stays allocated as long as the object: libbpf may refer to it until close.
        Arena bufferArena = Arena.ofShared();
        MemorySegment buffer = bufferArena.allocate(elf.length, 8).copyFrom(MemorySegment.ofArray(elf));
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture capture = LibbpfLog.capture()) {
            MemorySegment opts = options(arena, options);
            MemorySegment obj = BpfObjectSpec.call(() -> (MemorySegment) ObjectCalls.OPEN_MEM.invokeExact(
                    Native.captureSegment(), buffer, (long) elf.length, opts));
            return opened(obj, "object open " + options.objectName().orElse("<bytes>"), capture, bufferArena);
        } catch (RuntimeException | Error e) {
            bufferArena.close();
            throw e;
        }
    }

    /** Opens an object stored as a class-path resource, resolved against {@code anchor}'s module and package. */
    public static BpfObjectSpec openResource(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalArgumentException("no resource " + resource + " next to " + anchor.getName());
            String base = resource.substring(resource.lastIndexOf('/') + 1).replaceFirst("\\.bpf\\.o$|\\.o$", "");
            return open(in.readAllBytes(), base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + resource, e);
        }
    }

    private static MemorySegment options(Arena arena, ObjectOptions options) {
        return OpenOptionsLayout.allocate(arena, options.objectName().orElse(null),
                options.pinRoot().map(Path::toString).orElse(null), options.kernelBtf().map(Path::toString).orElse(null));
    }

    private static BpfObjectSpec opened(MemorySegment obj, String operation, LibbpfLog.Capture capture, Arena buffer) {
        if (obj.equals(MemorySegment.NULL)) {
            int errno = Native.capturedErrno();
            String detail = LoadFailure.lastError(capture.text());
            if (errno == Errno.EINVAL || errno == Errno.ENOEXEC || errno == Errno.EPROTO || errno == Errno.ENODATA
                    || errno == Errno.LIBBPF_LIBELF || errno == Errno.LIBBPF_FORMAT || errno == Errno.LIBBPF_ENDIAN
                    || errno == Errno.LIBBPF_RELOC) {
                throw new ObjectFormatException(operation, errno, detail != null ? detail : "not a valid BPF ELF object");
            }
            throw BpfException.of(operation, errno, detail);
        }
        return new BpfObjectSpec(obj, buffer);
    }

    static Optional<Btf> objectBtf(MemorySegment obj) {
        MemorySegment b = BpfObjectSpec.call(() -> (MemorySegment) ObjectCalls.OBJECT_BTF.invokeExact(obj));
        if (b.equals(MemorySegment.NULL)) return Optional.empty();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment data = BpfObjectSpec.call(() -> (MemorySegment) ObjectCalls.BTF_RAW_DATA.invokeExact(b, size));
            if (data.equals(MemorySegment.NULL)) return Optional.empty();
            return Optional.of(Btf.parse(data.reinterpret(size.get(ValueLayout.JAVA_INT, 0)).toArray(ValueLayout.JAVA_BYTE)));
        }
    }

    /** The object's name. */
    public String name() {
        return name;
    }

    /** The object's BTF, if it was compiled with {@code -g}. */
    public Optional<Btf> btf() {
        return btf;
    }

    /** A map by name; an unknown name is an {@link IllegalArgumentException} that lists the names present. */
    public MapHandle map(String mapName) {
        MapHandle m = maps.get(mapName);
        if (m == null) throw new IllegalArgumentException("no map '" + mapName + "' in object '" + name + "'; maps: " + maps.keySet());
        return m;
    }

    /** A program by name; an unknown name is an {@link IllegalArgumentException} that lists the names present. */
    public ProgramHandle program(String programName) {
        ProgramHandle p = programs.get(programName);
        if (p == null) throw new IllegalArgumentException("no program '" + programName + "' in object '" + name + "'; programs: " + programs.keySet());
        return p;
    }

    /** All maps, in declaration order. */
    public List<MapHandle> maps() {
        return Collections.unmodifiableList(new ArrayList<>(maps.values()));
    }

    /** All programs, in declaration order (including those not loaded because autoload was off). */
    public List<ProgramHandle> programs() {
        return Collections.unmodifiableList(new ArrayList<>(programs.values()));
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    void checkOpen() {
        if (closed.get()) throw new IllegalStateException("object '" + name + "' is closed");
    }

    /** Closes every map and program fd of this object (pinned maps stay in bpffs). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) BpfObjectSpec.close(object, buffer);
    }

    @Override
    public String toString() {
        return "BpfObject[" + name + ", maps=" + maps.keySet() + ", programs=" + programs.keySet() + (isClosed() ? ", closed" : "") + "]";
    }
}
