package dev.ebpf4j.core;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.BtfType;
import dev.ebpf4j.core.internal.libbpf.LibbpfLog;
import dev.ebpf4j.core.internal.libbpf.ObjectCalls;
import dev.ebpf4j.core.internal.libbpf.Strings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An opened, not yet loaded BPF object: its maps and programs can be inspected and adjusted, then
 * {@link #load()} creates the maps and loads the programs into the kernel. Made by {@link BpfObject#open}.
 *
 * <p>Not thread-safe; use it from one thread. {@link #load()} consumes the spec whether it succeeds or not;
 * {@link #close()} frees a spec that is never loaded.
 */
public final class BpfObjectSpec implements AutoCloseable {
    private MemorySegment object;
    private final String name;
    private final Map<String, MemorySegment> maps = new LinkedHashMap<>();
    private final Map<String, MemorySegment> programs = new LinkedHashMap<>();
    private Btf btf;
    private final Arena buffer;

    BpfObjectSpec(MemorySegment object, Arena buffer) {
        this.object = object;
        this.buffer = buffer;
        this.name = call(() -> Strings.read((MemorySegment) ObjectCalls.OBJECT_NAME.invokeExact(object)));
        call(() -> {
            for (MemorySegment m = (MemorySegment) ObjectCalls.NEXT_MAP.invokeExact(object, MemorySegment.NULL);
                 !m.equals(MemorySegment.NULL); m = (MemorySegment) ObjectCalls.NEXT_MAP.invokeExact(object, m)) {
                maps.put(Strings.read((MemorySegment) ObjectCalls.MAP_NAME.invokeExact(m)), m);
            }
            for (MemorySegment p = (MemorySegment) ObjectCalls.NEXT_PROGRAM.invokeExact(object, MemorySegment.NULL);
                 !p.equals(MemorySegment.NULL); p = (MemorySegment) ObjectCalls.NEXT_PROGRAM.invokeExact(object, p)) {
                programs.put(Strings.read((MemorySegment) ObjectCalls.PROG_NAME.invokeExact(p)), p);
            }
            return null;
        });
    }

    /** The object's name. */
    public String name() {
        return name;
    }

    /** The maps declared in the object, including libbpf's internal {@code .rodata}/{@code .data}/{@code .bss} maps. */
    public List<MapSpec> maps() {
        open();
        List<MapSpec> specs = new ArrayList<>();
        maps.forEach((n, m) -> specs.add(call(() -> new MapSpec(n,
                MapType.of((int) ObjectCalls.MAP_TYPE.invokeExact(m)),
                (int) ObjectCalls.MAP_KEY_SIZE.invokeExact(m), (int) ObjectCalls.MAP_VALUE_SIZE.invokeExact(m),
                (int) ObjectCalls.MAP_MAX_ENTRIES.invokeExact(m), (int) ObjectCalls.MAP_FLAGS.invokeExact(m),
                (boolean) ObjectCalls.MAP_IS_INTERNAL.invokeExact(m)))));
        return specs;
    }

    /** The programs in the object. */
    public List<ProgramSpec> programs() {
        open();
        List<ProgramSpec> specs = new ArrayList<>();
        programs.forEach((n, p) -> specs.add(call(() -> new ProgramSpec(n,
                Strings.read((MemorySegment) ObjectCalls.PROG_SECTION.invokeExact(p)),
                ProgramType.of((int) ObjectCalls.PROG_TYPE.invokeExact(p)),
                AttachType.of((int) ObjectCalls.PROG_ATTACH_TYPE.invokeExact(p)),
                (boolean) ObjectCalls.PROG_AUTOLOAD.invokeExact(p)))));
        return specs;
    }

    /** The object's BTF (types of its maps, globals and functions), if it was compiled with {@code -g}. */
    public java.util.Optional<Btf> btf() {
        open();
        if (btf == null) btf = BpfObject.objectBtf(object).orElse(null);
        return java.util.Optional.ofNullable(btf);
    }

    /** Sets a map's max entries (for example to size a table for the node). */
    public BpfObjectSpec maxEntries(String map, int maxEntries) {
        if (maxEntries <= 0) throw new IllegalArgumentException("max entries must be positive, got " + maxEntries);
        MemorySegment m = map(map);
        check("set max entries of map " + map, call(() -> (int) ObjectCalls.MAP_SET_MAX_ENTRIES.invokeExact(m, maxEntries)));
        return this;
    }

    /**
     * Sets a map's creation flags ({@code BPF_F_*}), replacing those the object declares: for example clearing
     * {@code BPF_F_NO_PREALLOC} (1) preallocates a hash map's elements, which makes inserts several times faster at
     * the price of kernel memory for {@code max_entries} elements up front.
     */
    public BpfObjectSpec mapFlags(String map, int flags) {
        MemorySegment m = map(map);
        check("set flags of map " + map, call(() -> (int) ObjectCalls.MAP_SET_FLAGS.invokeExact(m, flags)));
        return this;
    }

    /** Pins a map at this bpffs path when loaded, or reuses a compatible map already pinned there. */
    public BpfObjectSpec pinPath(String map, Path path) {
        MemorySegment m = map(map);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path.toString());
            check("set pin path of map " + map, call(() -> (int) ObjectCalls.MAP_SET_PIN_PATH.invokeExact(m, cpath)));
        }
        return this;
    }

    /** Turns loading of a program on or off (a program that is off is not loaded and has no fd). */
    public BpfObjectSpec autoload(String program, boolean load) {
        MemorySegment p = program(program);
        check("set autoload of program " + program, call(() -> (int) ObjectCalls.PROG_SET_AUTOLOAD.invokeExact(p, load)));
        return this;
    }

    /** Overrides a program's type and expected attach type, for sections libbpf cannot infer them from. */
    public BpfObjectSpec programType(String program, ProgramType type, AttachType expectedAttachType) {
        MemorySegment p = program(program);
        check("set type of program " + program, call(() -> (int) ObjectCalls.PROG_SET_TYPE.invokeExact(p, type.value())));
        check("set attach type of program " + program,
                call(() -> (int) ObjectCalls.PROG_SET_ATTACH_TYPE.invokeExact(p, expectedAttachType.value())));
        return this;
    }

    /** Sets an integer (or {@code bool}) global in {@code .rodata}, {@code .data} or {@code .bss}; the value must fit its width. */
    public BpfObjectSpec constant(String variable, long value) {
        GlobalVar v = globalVar(variable);
        if (!(v.type instanceof BtfType.Int || v.type instanceof BtfType.Enum)) {
            throw new IllegalArgumentException("global '" + variable + "' is " + requireBtf().describe(v.typeId)
                    + ", not an integer; use constant(String, byte[])");
        }
        int size = v.size;
        boolean signed = v.type instanceof BtfType.Int i ? i.signed() : ((BtfType.Enum) v.type).signed();
        if (size < 8) {
            long min = signed ? -(1L << (size * 8 - 1)) : 0, max = signed ? (1L << (size * 8 - 1)) - 1 : (1L << (size * 8)) - 1;
            if (value < min || value > max) {
                throw new IllegalArgumentException("value " + value + " does not fit global '" + variable + "' ("
                        + requireBtf().describe(v.typeId) + ", " + size + " bytes, range " + min + ".." + max + ")");
            }
        }
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) bytes[i] = (byte) (value >>> (8 * (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? i : size - 1 - i)));
        write(v, bytes);
        return this;
    }

    /** Sets a {@code bool} global. */
    public BpfObjectSpec constant(String variable, boolean value) {
        return constant(variable, value ? 1 : 0);
    }

    /** Sets a global of any type from its raw bytes (native byte order); the length must equal the variable's size. */
    public BpfObjectSpec constant(String variable, byte[] value) {
        GlobalVar v = globalVar(variable);
        if (value.length != v.size) {
            throw new IllegalArgumentException("global '" + variable + "' (" + requireBtf().describe(v.typeId) + ") is " + v.size
                    + " bytes, got " + value.length);
        }
        write(v, value);
        return this;
    }

    /**
     * Creates the maps, applies CO-RE relocations against the kernel BTF, and loads the programs.
     *
     * @throws VerifierException if the verifier rejects a program (with its log)
     * @throws PermissionException if privileges are missing
     * @throws BpfException for any other kernel or libbpf failure; the spec is closed either way
     */
    public BpfObject load() {
        MemorySegment obj = open();
        BpfObject loaded = null;
        try (LibbpfLog.Capture capture = LibbpfLog.capture()) {
            int err = call(() -> (int) ObjectCalls.LOAD.invokeExact(obj));
            if (err < 0) throw LoadFailure.from(name, err, capture.text(), programs(), maps());
            loaded = new BpfObject(obj, buffer, name, maps, programs);
            return loaded;
        } finally {
            object = null;
            if (loaded == null) close(obj, buffer);
        }
    }

    @Override
    public void close() {
        if (object != null) {
            close(object, buffer);
            object = null;
        }
    }

    static void close(MemorySegment obj, Arena buffer) {
        call(() -> {
            ObjectCalls.CLOSE.invokeExact(obj);
            return null;
        });
        if (buffer != null) buffer.close();
    }

    private record GlobalVar(MemorySegment map, String section, int offset, int size, int typeId, BtfType type) {}

    private GlobalVar globalVar(String variable) {
        Btf b = requireBtf();
        List<String> known = new ArrayList<>();
        for (BtfType t : b.types()) {
            if (!(t instanceof BtfType.DataSec sec)) continue;
            // Only .rodata/.data/.bss (and their .name suffixes) are backed by libbpf's internal maps; .maps and license are not.
            MemorySegment map = maps.entrySet().stream().filter(e -> e.getKey().endsWith(sec.name()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            if (map == null) continue;
            for (BtfType.SectionVar sv : sec.vars()) {
                if (!(b.type(sv.type()) instanceof BtfType.Var var)) continue;
                known.add(var.name());
                if (var.name().equals(variable)) {
                    return new GlobalVar(map, sec.name(), sv.offset(), sv.size(), var.type(), b.type(b.resolve(var.type())));
                }
            }
        }
        throw new IllegalArgumentException("no global variable '" + variable + "' in object '" + name + "'; globals: " + known);
    }

    private void write(GlobalVar v, byte[] bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment psize = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment data = call(() -> (MemorySegment) ObjectCalls.MAP_INITIAL_VALUE.invokeExact(v.map, psize));
            long size = psize.get(ValueLayout.JAVA_LONG, 0);
            if (data.equals(MemorySegment.NULL) || v.offset + bytes.length > size) {
                throw new IllegalStateException("section " + v.section + " has no writable initial value of " + size + " bytes");
            }
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, data.reinterpret(size), v.offset, bytes.length);
        }
    }

    private Btf requireBtf() {
        return btf().orElseThrow(() -> new IllegalStateException(
                "object '" + name + "' has no BTF; compile with -g to use globals by name"));
    }

    private MemorySegment open() {
        if (object == null) throw new IllegalStateException("object spec '" + name + "' was loaded or closed; open the object again");
        return object;
    }

    private MemorySegment map(String map) {
        open();
        MemorySegment m = maps.get(map);
        if (m == null) throw new IllegalArgumentException("no map '" + map + "' in object '" + name + "'; maps: " + maps.keySet());
        return m;
    }

    private MemorySegment program(String program) {
        open();
        MemorySegment p = programs.get(program);
        if (p == null) throw new IllegalArgumentException("no program '" + program + "' in object '" + name + "'; programs: " + programs.keySet());
        return p;
    }

    static void check(String operation, int err) {
        if (err < 0) throw BpfException.of(operation, err);
    }

    interface NativeCall<T> {
        T run() throws Throwable;
    }

    static <T> T call(NativeCall<T> call) {
        try {
            return call.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("unexpected exception from a native call", t);
        }
    }
}
