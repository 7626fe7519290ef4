package dev.ebpf4j.core.build;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.BtfType;
import dev.ebpf4j.core.build.TypeModel.Field;
import dev.ebpf4j.core.build.TypeModel.Shape;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates Java records for the structs a BPF object uses as map keys and values, from the object's BTF: the Java
 * counterpart of bpf2go. Maps are found as libbpf finds them, through the {@code .maps} section's variables, whose
 * struct has {@code key} and {@code value} pointer members ({@code __type(key, ...)}).
 *
 * {@snippet :
 * JavaTypeGenerator.Result result = JavaTypeGenerator.forObject(Path.of("target/classes/flows.bpf.o"))
 *         .packageName("com.example.flows")
 *         .generate();
 * result.sources().forEach(s -> s.writeTo(Path.of("target/generated-sources/ebpf4j")));
 * result.notes().forEach(System.out::println);   // what was kept as bytes or skipped, and why
 * }
 *
 * <p>Each struct becomes a {@code record} with a {@code BYTES} size constant, a {@code LAYOUT}
 * ({@link java.lang.foreign.StructLayout}, padding explicit), {@code read(MemorySegment, long)} and
 * {@code write(MemorySegment, long)} in native byte order, and javadoc listing every C offset and padding gap.
 * C integers map to Java integers of the same width ({@code __u8}/{@code __u16}/{@code __u32}/{@code __u64} to
 * {@code byte}/{@code short}/{@code int}/{@code long}; unsigned values keep their bits, noted in the javadoc), fixed
 * arrays to Java arrays whose length is checked, named nested structs to their own records, anonymous ones to nested
 * records, unions to {@code byte[]}. Structs with bitfields are skipped with a note. Each enum reachable from those
 * structs or from a global ({@code .rodata}, {@code .data}, {@code .bss}) becomes a class of constants.
 *
 * <p>Pure Java, no kernel needed. Not thread-safe while being configured.
 */
public final class JavaTypeGenerator {
    private final Btf btf;
    private final String objectName;
    private final List<ElfSections.Function> programs;
    private String packageName = "";
    private boolean objectClass;
    private final List<MapDecl> mapDecls = new ArrayList<>();
    private final Map<Integer, TypeModel.Struct> structs = new LinkedHashMap<>();
    private final Map<Integer, String> structNames = new LinkedHashMap<>();
    private final Map<Integer, List<String>> structUsages = new LinkedHashMap<>();
    private final Map<Integer, TypeModel.Enum> enums = new LinkedHashMap<>();
    private final Map<Integer, List<String>> enumUsages = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    private JavaTypeGenerator(Btf btf, String objectName, List<ElfSections.Function> programs) {
        this.btf = btf;
        this.objectName = objectName;
        this.programs = programs;
    }

    /** A {@code .maps} variable: its kernel map type number (0 if not given) and key/value BTF type ids (0 if sized only). */
    private record MapDecl(String name, int type, int key, int value) {}

    /**
     * A generator for an object file.
     *
     * @param object an ELF BPF object with a {@code .BTF} section
     * @return a generator for it
     * @throws IllegalArgumentException if the file is not an ELF object or has no {@code .BTF} section
     */
    public static JavaTypeGenerator forObject(Path object) {
        try {
            return forObject(Files.readAllBytes(object), object.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + object, e);
        }
    }

    /**
     * A generator for an object's bytes.
     *
     * @param elf        the object file's bytes
     * @param objectName a name for the object, shown in the generated javadoc
     * @return a generator for it
     * @throws IllegalArgumentException if the bytes are not an ELF object or it has no {@code .BTF} section
     */
    public static JavaTypeGenerator forObject(byte[] elf, String objectName) {
        byte[] btf = ElfSections.read(elf).get(".BTF");
        if (btf == null) {
            throw new IllegalArgumentException(objectName + " has no .BTF section: compile it with clang -g (BpfBuilder does)");
        }
        return new JavaTypeGenerator(Btf.parse(btf), objectName, ElfSections.programs(elf));
    }

    /**
     * Sets the package of the generated classes.
     *
     * @param name a Java package name; empty (the default) means the unnamed package
     * @return this generator
     */
    public JavaTypeGenerator packageName(String name) {
        if (!name.isEmpty() && !name.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
            throw new IllegalArgumentException("not a Java package name: '" + name + "'");
        }
        this.packageName = name;
        return this;
    }

    /**
     * Also generates the object's own class, {@code XdpCounterObject} from {@code xdp_counter.bpf.o}: typed accessors
     * for every map (the typed view of its kernel type, the generated records or boxed integers as key and value; bytes
     * through {@code RawMap} where neither fits) and every program (the SDK class that attaches its section's kind,
     * such as {@code XdpProgram} for {@code SEC("xdp")}), loaded from the class path next to the class. The generated
     * code needs the ebpf4j maps and programs modules.
     *
     * @return this generator
     */
    public JavaTypeGenerator objectClass() {
        this.objectClass = true;
        return this;
    }

    /**
     * What {@link #generate()} produced.
     *
     * @param sources one compilation unit per record and per enum constants class, sorted by class name
     * @param notes   human-readable notes on what was skipped or kept as bytes, and why
     */
    public record Result(List<JavaSource> sources, List<String> notes) {}

    /**
     * Finds the map key and value types and generates their sources.
     *
     * @return the sources, and notes on what was skipped or kept as bytes
     */
    public Result generate() {
        findMapTypes();
        findGlobalEnums();
        for (int i = 0; i < structNames.size(); i++) { // grows while named member structs are found
            int id = new ArrayList<>(structNames.keySet()).get(i);
            try {
                structs.put(id, struct(id, structNames.get(id), structUsages.getOrDefault(id, List.of())));
            } catch (Unsupported e) {
                notes.add(btf.describe(id) + ": not generated, " + e.getMessage());
            }
        }
        List<JavaSource> sources = new ArrayList<>();
        Map<String, String> taken = new LinkedHashMap<>();
        for (TypeModel.Struct s : structs.values()) {
            if (claim(taken, s.className(), "struct " + s.cName())) {
                sources.add(new JavaSource(packageName, s.className(), RecordWriter.record(packageName, objectName, s)));
            }
        }
        for (TypeModel.Enum e : enums.values()) {
            if (claim(taken, e.className(), "enum " + e.cName())) {
                sources.add(new JavaSource(packageName, e.className(), RecordWriter.constants(packageName, objectName, e)));
            }
        }
        if (objectClass) {
            String className = ObjectClasses.className(objectName);
            if (claim(taken, className, "the object class")) {
                sources.add(new JavaSource(packageName, className, ObjectClassWriter.write(packageName, objectName, className,
                        mapDecls.stream().map(this::mapAccessor).toList(),
                        programs.stream().map(f -> new ObjectClassWriter.ProgramAccessor(f.name(), f.section(),
                                ObjectClasses.programClass(f.section()))).toList(), variableAccessors())));
            }
        }
        sources.sort(Comparator.comparing(JavaSource::className));
        return new Result(List.copyOf(sources), List.copyOf(notes));
    }

    private boolean claim(Map<String, String> taken, String className, String what) {
        String previous = taken.putIfAbsent(className, what);
        if (previous == null) return true;
        notes.add(what + ": not generated, its Java name " + className + " is taken by " + previous);
        return false;
    }

    private void findMapTypes() {
        for (BtfType t : btf.types()) {
            if (!(t instanceof BtfType.DataSec sec) || !sec.name().equals(".maps")) continue;
            for (BtfType.SectionVar sv : sec.vars()) {
                if (!(btf.type(sv.type()) instanceof BtfType.Var var)) continue;
                if (!(btf.type(btf.resolve(var.type())) instanceof BtfType.Struct def)) continue;
                int type = 0, key = 0, value = 0;
                for (BtfType.Member m : def.members()) {
                    if (!(btf.type(btf.resolve(m.type())) instanceof BtfType.Ptr ptr)) continue;
                    switch (m.name()) {
                        case "type" -> type = btf.type(btf.resolve(ptr.target())) instanceof BtfType.Array a ? a.length() : 0;
                        case "key" -> key = ptr.target();
                        case "value" -> value = ptr.target();
                        default -> { }
                    }
                }
                mapDecls.add(new MapDecl(var.name(), type, key, value));
                for (BtfType.Member m : def.members()) {
                    if ((m.name().equals("key") || m.name().equals("value"))
                            && btf.type(btf.resolve(m.type())) instanceof BtfType.Ptr p) {
                        root(p.target(), "the " + m.name() + " of map {@code " + var.name() + "}");
                    }
                }
            }
        }
    }

    private ObjectClassWriter.MapAccessor mapAccessor(MapDecl m) {
        ObjectClasses.MapKind kind = ObjectClasses.mapKind(m.type());
        String key = kind.keyed() ? javaType(m.key()) : null, value = kind.valued() ? javaType(m.value()) : null;
        if (kind.javaClass().equals(ObjectClasses.RAW_MAP) || (kind.keyed() && key == null) || (kind.valued() && value == null)) {
            String why = kind.javaClass().equals(ObjectClasses.RAW_MAP) ? kind.why()
                    : "bytes, as its " + (kind.keyed() && key == null ? "key" : "value") + " type has no Java type (declare it with __type)";
            return new ObjectClassWriter.MapAccessor(m.name(), ObjectClasses.RAW_MAP, null, null, why);
        }
        return new ObjectClassWriter.MapAccessor(m.name(), kind.javaClass(), key, value, null);
    }

    /** Globals of .bss/.data/.rodata with a Java type (integers of 1-8 bytes, 4-byte enums, generated structs). */
    private List<ObjectClassWriter.VariableAccessor> variableAccessors() {
        List<ObjectClassWriter.VariableAccessor> out = new ArrayList<>();
        for (BtfType t : btf.types()) {
            if (!(t instanceof BtfType.DataSec sec) || !(sec.name().startsWith(".rodata") || sec.name().startsWith(".data")
                    || sec.name().startsWith(".bss"))) continue;
            for (BtfType.SectionVar sv : sec.vars()) {
                if (!(btf.type(sv.type()) instanceof BtfType.Var var)) continue;
                int id = btf.resolve(var.type());
                String type = btf.type(id) instanceof BtfType.Enum e && e.size() == 4 ? "Integer" : javaType(var.type());
                if (type == null) {
                    notes.add("global " + var.name() + " (" + btf.describe(id) + "): no accessor, read it with Variable.of and a codec");
                    continue;
                }
                out.add(new ObjectClassWriter.VariableAccessor(var.name(), sec.name(), type));
            }
        }
        return out;
    }

    /** The Java type a map's key or value reads as: its generated record, or the boxed integer of its width. */
    private String javaType(int typeId) {
        if (typeId == 0) return null;
        int id = btf.resolve(typeId);
        return switch (btf.type(id)) {
            case BtfType.Struct s when structs.containsKey(id) -> structs.get(id).className();
            case BtfType.Int i when i.bits() == i.size() * 8 -> switch (i.size()) {
                case 1 -> "Byte"; case 2 -> "Short"; case 4 -> "Integer"; case 8 -> "Long"; default -> null;
            };
            default -> null;
        };
    }

    private void findGlobalEnums() {
        for (BtfType t : btf.types()) {
            if (!(t instanceof BtfType.DataSec sec) || !(sec.name().startsWith(".rodata") || sec.name().startsWith(".data")
                    || sec.name().startsWith(".bss"))) continue;
            for (BtfType.SectionVar sv : sec.vars()) {
                if (btf.type(sv.type()) instanceof BtfType.Var var) {
                    int id = btf.resolve(var.type());
                    if (btf.type(id) instanceof BtfType.Enum) enumRef(id, "the type of global {@code " + var.name() + "}");
                }
            }
        }
    }

    private void root(int typeId, String usage) {
        int id = btf.resolve(typeId);
        switch (btf.type(id)) {
            case BtfType.Struct s -> structRef(id, typeId, usage);
            case BtfType.Enum e -> enumRef(id, usage);
            case BtfType.Union u -> notes.add(usage.replace("{@code ", "").replace("}", "") + " is " + btf.describe(id)
                    + ": unions are not generated, read it as byte[" + u.size() + "]");
            default -> { } // plain integers and arrays need no generated type
        }
    }

    /** A named struct gets a top-level record; anonymous ones take the name of the typedef that names them. */
    private String structRef(int id, int referencedAs, String usage) {
        String cName = btf.type(id).name().isEmpty() ? CTypes.typedefName(btf, referencedAs) : btf.type(id).name();
        if (cName.isEmpty()) return null;
        structNames.putIfAbsent(id, JavaNames.type(cName));
        List<String> usages = structUsages.computeIfAbsent(id, k -> new ArrayList<>());
        if (!usages.contains(usage)) usages.add(usage);
        return structNames.get(id);
    }

    private String enumRef(int id, String usage) {
        BtfType.Enum e = (BtfType.Enum) btf.type(id);
        if (e.name().isEmpty()) return null;
        List<String> usages = enumUsages.computeIfAbsent(id, k -> new ArrayList<>());
        if (!usages.contains(usage)) usages.add(usage);
        List<TypeModel.EnumValue> values = e.values().stream().map(v -> new TypeModel.EnumValue(v.name(), v.value())).toList();
        enums.putIfAbsent(id, new TypeModel.Enum(JavaNames.type(e.name()), e.name(), e.size(), e.signed(), values, usages));
        return enums.get(id).className();
    }

    private TypeModel.Struct struct(int id, String className, List<String> usages) {
        BtfType.Struct s = (BtfType.Struct) btf.type(id);
        List<Field> fields = new ArrayList<>();
        List<TypeModel.Struct> nested = new ArrayList<>();
        int anonymous = 0;
        for (BtfType.Member m : s.members()) {
            String cName = m.name().isEmpty() ? "anon" + anonymous++ : m.name();
            fields.add(field(s, m, cName, nested));
        }
        return new TypeModel.Struct(className, s.name(), s.size(), fields, nested, usages);
    }

    private Field field(BtfType.Struct owner, BtfType.Member m, String cName, List<TypeModel.Struct> nested) {
        String decl = CTypes.declaration(btf, m.type(), cName);
        int rid = btf.resolve(m.type());
        BtfType t = btf.type(rid);
        if (m.bitfieldSize() != 0 || m.bitOffset() % 8 != 0 || (t instanceof BtfType.Int i && i.bits() != i.size() * 8)) {
            throw new Unsupported("member '" + cName + "' is a bitfield (read the struct as bytes)");
        }
        int offset = m.byteOffset(), size = (int) btf.sizeOf(m.type());
        String name = JavaNames.field(cName);
        String note = CTypes.byteOrderNote(btf, m.type());
        return switch (t) {
            case BtfType.Int i when i.isBool() -> new Field(name, decl, offset, size, Shape.BOOLEAN, "boolean", "JAVA_BOOLEAN", 1, null, 0, note);
            case BtfType.Int i when size == 16 -> CTypes.bytes(name, decl, offset, size, "a 128-bit integer, kept as bytes");
            case BtfType.Int i -> CTypes.scalar(name, decl, offset, size, i.signed() || i.isChar() || note != null ? note : "unsigned in C" + CTypes.unsignedHint(size));
            case BtfType.Enum e -> CTypes.scalar(name, decl, offset, size, e.name().isEmpty() ? note
                    : CTypes.join("values in {@link " + enumRef(rid, memberOf(owner)) + "}", note));
            case BtfType.Float f -> new Field(name, decl, offset, size, Shape.SCALAR, size == 4 ? "float" : "double",
                    size == 4 ? "JAVA_FLOAT_UNALIGNED" : "JAVA_DOUBLE_UNALIGNED", 1, null, 0, note);
            case BtfType.Ptr p -> CTypes.scalar(name, decl, offset, size, "a pointer in C: an address in the kernel, not usable from Java");
            case BtfType.Struct s -> {
                String type = s.name().isEmpty() ? nestedRecord(rid, cName, nested) : structRef(rid, m.type(), memberOf(owner));
                yield new Field(name, decl, offset, size, Shape.RECORD, type, null, 1, type, size, note);
            }
            case BtfType.Array a -> array(owner, name, decl, offset, size, a, nested, cName);
            case BtfType.Union u -> {
                notes.add("struct " + owner.name() + ": union member '" + cName + "' kept as byte[" + size + "]");
                yield CTypes.bytes(name, decl, offset, size, "a union in C, kept as bytes");
            }
            default -> CTypes.bytes(name, decl, offset, size, "kept as bytes");
        };
    }

    private Field array(BtfType.Struct owner, String name, String decl, int offset, int size, BtfType.Array a,
                        List<TypeModel.Struct> nested, String cName) {
        int count = a.length(), element = a.elementType();
        while (btf.type(btf.resolve(element)) instanceof BtfType.Array inner) { // int x[2][3] -> int[6]
            count *= inner.length();
            element = inner.elementType();
        }
        int rid = btf.resolve(element), elementSize = (int) btf.sizeOf(element);
        String lengthNote = count + " elements" + (count != a.length() ? " (C dimensions flattened)" : "");
        return switch (btf.type(rid)) {
            case BtfType.Int i when elementSize <= 8 && i.bits() == elementSize * 8 -> {
                Field e = CTypes.scalar(name, decl, offset, elementSize, i.signed() || i.isChar() || elementSize == 1 ? null : "unsigned in C");
                yield new Field(name, decl, offset, size, Shape.ARRAY, e.javaType() + "[]", e.layout(), count, null,
                        elementSize, CTypes.join(lengthNote, e.note()));
            }
            case BtfType.Enum en -> {
                Field e = CTypes.scalar(name, decl, offset, elementSize, null);
                yield new Field(name, decl, offset, size, Shape.ARRAY, e.javaType() + "[]", e.layout(), count, null, elementSize, lengthNote);
            }
            case BtfType.Float f -> new Field(name, decl, offset, size, Shape.ARRAY, elementSize == 4 ? "float[]" : "double[]",
                    elementSize == 4 ? "JAVA_FLOAT_UNALIGNED" : "JAVA_DOUBLE_UNALIGNED", count, null, elementSize, lengthNote);
            case BtfType.Struct s -> {
                String type = s.name().isEmpty() ? nestedRecord(rid, cName, nested) : structRef(rid, element, memberOf(owner));
                yield new Field(name, decl, offset, size, Shape.RECORD_ARRAY, type + "[]", null, count, type, elementSize, lengthNote);
            }
            default -> {
                notes.add("struct " + owner.name() + ": member '" + cName + "' (" + decl + ") kept as byte[" + size + "]");
                yield CTypes.bytes(name, decl, offset, size, "kept as bytes");
            }
        };
    }

    private static String memberOf(BtfType.Struct owner) {
        return "a member of {@code struct " + owner.name() + "}";
    }

    private String nestedRecord(int id, String memberName, List<TypeModel.Struct> nested) {
        TypeModel.Struct inner = struct(id, JavaNames.type(memberName), List.of());
        nested.add(inner);
        return inner.className();
    }

    /** A struct the generator cannot represent as a record. */
    private static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }
}
