package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.BtfType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.internal.Libc;
import dev.ebpf4j.maps.internal.Mmap;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A live global variable of a loaded object: a {@code .bss} or {@code .data} global read and written, and a
 * {@code .rodata} global read, through the shared memory of the section's map ({@code BPF_F_MMAPABLE}, which libbpf
 * sets on these maps), so {@link #get()} and {@link #set} are plain memory accesses with no syscall and the BPF
 * programs see a write at once.
 *
 * {@snippet class=dev.ebpf4j.maps.PackageSnippets region=variable}
 *
 * <p>The variable is found by name among the VAR entries of the object's BTF DATASECs, which give its offset and
 * size; the codec must be exactly that size, and a struct codec is checked against the variable's BTF type as a map
 * value is. {@code .rodata} is frozen at load: set such a constant before load with
 * {@link dev.ebpf4j.core.BpfObjectSpec#constant(String, long)}. Accesses are not atomic beyond what the hardware gives
 * an aligned word; the view is unmapped by {@link #close()}, after which access throws {@link IllegalStateException}.
 *
 * @param <T> the Java type of the variable
 */
public final class Variable<T> implements AutoCloseable {
    private final String name;
    private final String section;
    private final Codec<T> codec;
    private final Mmap mapping;
    private final MemorySegment view;
    private final boolean readOnly;

    private Variable(String name, String section, Codec<T> codec, Mmap mapping, long offset, boolean readOnly) {
        this.name = name;
        this.section = section;
        this.codec = codec;
        this.mapping = mapping;
        this.view = mapping.segment().asSlice(offset, codec.size());
        this.readOnly = readOnly;
    }

    /** {@link #of(BpfObject, String, Codec)} with {@link Codec#of(Class)} for {@code type} ({@code long.class}, a record...). */
    public static <T> Variable<T> of(BpfObject object, String name, Class<T> type) {
        return of(object, name, Codec.of(type));
    }

    /**
     * Maps the global {@code name} of a loaded object.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the globals) or a codec of the wrong size
     * @throws IllegalStateException if the object has no BTF or the section's map is not mmapable
     */
    public static <T> Variable<T> of(BpfObject object, String name, Codec<T> codec) {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(codec, "codec");
        Btf btf = object.btf().orElseThrow(() -> new IllegalStateException(
                "object '" + object.name() + "' has no BTF; compile it with -g to use globals by name"));
        List<String> known = new ArrayList<>();
        for (BtfType t : btf.types()) {
            if (!(t instanceof BtfType.DataSec sec)) continue;
            MapHandle map = sectionMap(object, sec.name());
            if (map == null) continue;
            for (BtfType.SectionVar sv : sec.vars()) {
                if (!(btf.type(sv.type()) instanceof BtfType.Var var)) continue;
                known.add(var.name());
                if (var.name().equals(name)) return map(map, sec.name(), var, sv, btf, codec);
            }
        }
        throw new IllegalArgumentException("no global variable '" + name + "' in object '" + object.name()
                + "'; globals in .bss/.data/.rodata: " + known);
    }

    private static <T> Variable<T> map(MapHandle map, String section, BtfType.Var var, BtfType.SectionVar sv, Btf btf, Codec<T> codec) {
        if (codec.size() != sv.size()) {
            throw new IllegalArgumentException("global '" + var.name() + "' in " + section + " is " + btf.describe(btf.resolve(var.type()))
                    + " of " + sv.size() + " bytes but codec " + codec.describe() + " is " + codec.size() + " bytes");
        }
        BtfLayoutCheck.check(map.name(), "global '" + var.name() + "'", codec, btf, var.type());
        if ((map.flags() & MapFlag.MMAPABLE.bit()) == 0) {
            throw new IllegalStateException("map '" + map.name() + "' of section " + section
                    + " is not BPF_F_MMAPABLE, so its globals cannot be mapped; read it with ArrayMap instead");
        }
        boolean readOnly = section.startsWith(".rodata");
        long bytes = (long) map.valueSize() * map.maxEntries();
        long len = (bytes + Mmap.PAGE - 1) / Mmap.PAGE * Mmap.PAGE;
        Mmap m = readOnly ? Mmap.map(map.fd(), len, Libc.PROT_READ, 0, "map mmap " + map.name())
                : Mmap.mapArray(map.fd(), map.name(), bytes);
        return new Variable<>(var.name(), section, codec, m, sv.offset(), readOnly);
    }

    /** libbpf names a section's map after the object (truncated) and the section, e.g. {@code maps_tes.bss}. */
    private static MapHandle sectionMap(BpfObject object, String section) {
        if (!(section.startsWith(".bss") || section.startsWith(".data") || section.startsWith(".rodata"))) return null;
        for (MapHandle m : object.maps()) {
            if (m.name().endsWith(section)) return m;
        }
        return null;
    }

    /** The variable's current value, read from shared memory. */
    public T get() {
        return codec.decode(view, 0);
    }

    /**
     * Writes the variable in shared memory; the next program run sees it.
     *
     * @throws IllegalStateException for a {@code .rodata} constant (frozen at load)
     */
    public void set(T value) {
        if (readOnly) {
            throw new IllegalStateException("global '" + name + "' is in " + section
                    + ", frozen at load; set it before load with BpfObjectSpec.constant(\"" + name + "\", ...)");
        }
        codec.encode(value, view, 0);
    }

    /** The variable's bytes in shared memory (read-only for {@code .rodata}), valid until {@link #close()}. */
    public MemorySegment segment() {
        return readOnly ? view.asReadOnly() : view;
    }

    /** The variable's name. */
    public String name() {
        return name;
    }

    /** The section it lives in: {@code .bss}, {@code .data}, {@code .rodata} or one of their {@code .name} variants. */
    public String section() {
        return section;
    }

    /** Unmaps the view; idempotent. The object and its maps stay loaded. */
    @Override
    public void close() {
        mapping.close();
    }

    @Override
    public String toString() {
        return "Variable[" + name + " in " + section + ", " + codec.describe() + "]";
    }
}
