package dev.ebpf4j.core.build;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the class that stands for one BPF object (bpf2go's and libbpf-cargo's skeleton): typed accessors for its
 * maps, programs and globals (live through the section maps' shared memory), built once when the object loads, so callers write {@code obj.counters().get(k)} and a map or
 * program renamed in C breaks the Java build instead of a string lookup at run time. Every name in the generated code
 * is fully qualified, so no record the generator made can shadow an SDK class.
 */
final class ObjectClassWriter {
    /** A map of the object: {@code javaClass} is its typed view; {@code key}/{@code value} are null where not typed. */
    record MapAccessor(String cName, String javaClass, String key, String value, String why) {}

    /** A program of the object and the SDK class that attaches it. */
    record ProgramAccessor(String cName, String section, String javaClass) {}

    /** A global of {@code .bss}, {@code .data} or {@code .rodata} and the Java type it reads as. */
    record VariableAccessor(String cName, String section, String javaType) {}

    private static final Set<String> TAKEN = Set.of("object", "close", "load", "open", "getClass", "hashCode", "toString",
            "equals", "notify", "notifyAll", "wait", "clone", "finalize");

    private ObjectClassWriter() {}

    static String write(String packageName, String objectName, String className, List<MapAccessor> maps,
                        List<ProgramAccessor> programs, List<VariableAccessor> variables) {
        Set<String> names = new HashSet<>(TAKEN);
        StringBuilder fields = new StringBuilder(), init = new StringBuilder(), accessors = new StringBuilder();
        for (MapAccessor m : maps) {
            String method = unique(names, JavaNames.field(m.cName()), "Map");
            String type = m.javaClass() + (m.value() == null ? "" : "<" + (m.key() == null ? "" : m.key() + ", ") + m.value() + ">");
            String codecs = (m.key() == null ? "" : ", " + codec(m.key())) + (m.value() == null ? "" : ", " + codec(m.value()));
            fields.append("    private final ").append(type).append(' ').append(method).append(";\n");
            init.append("            this.").append(method).append(" = ").append(m.javaClass()).append(".of(object.map(\"")
                    .append(m.cName()).append("\")").append(codecs).append(");\n");
            accessors.append("    /** Map {@code ").append(m.cName()).append("}").append(m.why() == null ? "" : ": " + m.why())
                    .append(". */\n    public ").append(type).append(' ').append(method).append("() {\n        return ")
                    .append(method).append(";\n    }\n\n");
        }
        for (ProgramAccessor p : programs) {
            String method = unique(names, JavaNames.field(p.cName()), "Program");
            fields.append("    private final ").append(p.javaClass()).append(' ').append(method).append(";\n");
            String handle = "object.program(\"" + p.cName() + "\")";
            init.append("            this.").append(method).append(" = ")
                    .append(p.javaClass().equals(HANDLE) ? handle : p.javaClass() + ".of(" + handle + ")").append(";\n");
            accessors.append("    /** Program {@code ").append(p.cName()).append("} ({@code SEC(\"").append(p.section())
                    .append("\")}). */\n    public ").append(p.javaClass()).append(' ').append(method).append("() {\n        return ")
                    .append(method).append(";\n    }\n\n");
        }
        for (VariableAccessor v : variables) {
            String method = unique(names, JavaNames.field(v.cName()), "Variable");
            String type = "dev.ebpf4j.maps.Variable<" + v.javaType() + ">";
            fields.append("    private final ").append(type).append(' ').append(method).append(";\n");
            init.append("            this.").append(method).append(" = variable(\"").append(v.cName()).append("\", ")
                    .append(v.javaType()).append(".class);\n");
            boolean constant = v.section().startsWith(".rodata");
            accessors.append("    /** Global {@code ").append(v.cName()).append("} ({@code ").append(v.section()).append("}")
                    .append(constant ? ": read only after load; set it before with {@code spec.constant(...)} in {@link #load(java.util.function.Consumer)}"
                            : ", live: a set() is seen by the programs' next run, get() reads what they wrote")
                    .append("). */\n    public ").append(type).append(' ').append(method).append("() {\n        return ")
                    .append(method).append(";\n    }\n\n");
        }
        String pkg = packageName.isEmpty() ? "" : "package " + packageName + ";\n\n";
        return GENERATED + " from " + objectName + ": do not edit, change the C source and rebuild.\n" + pkg + """
                /**
                 * The BPF object {@code %1$s}, loaded: its maps, programs and globals as typed accessors.
                 *
                 * {@snippet :
                 * try (%2$s obj = %2$s.load()) {
                 *     // obj.<map>().get(key), <Program>.attach(...) on obj.<program>()
                 * }
                 * }
                 *
                 * The object is read from the class path, next to this class, where the ebpf4j Maven plugin's {@code compile}
                 * goal puts it. Closing this closes the object: its maps and programs, and the links that hold them only here.
                 */
                public final class %2$s implements AutoCloseable {
                    /** The object's class-path resource, relative to this class. */
                    public static final String RESOURCE = "%1$s";

                    private final dev.ebpf4j.core.BpfObject object;
                    private final java.util.List<dev.ebpf4j.maps.Variable<?>> variables = new java.util.ArrayList<>();
                %3$s
                    private %2$s(dev.ebpf4j.core.BpfObject object) {
                        this.object = object;
                        try {
                %4$s        } catch (RuntimeException | Error e) {
                            variables.forEach(dev.ebpf4j.maps.Variable::close);
                            throw e;
                        }
                    }

                    private <T> dev.ebpf4j.maps.Variable<T> variable(String name, Class<T> type) {
                        dev.ebpf4j.maps.Variable<T> v = dev.ebpf4j.maps.Variable.of(object, name, type);
                        variables.add(v);
                        return v;
                    }

                    /** Opens the object from the class path and loads it as it is. */
                    public static %2$s load() {
                        return load(spec -> { });
                    }

                    /**
                     * Opens the object from the class path, lets {@code beforeLoad} adjust it (map sizes, {@code .rodata}
                     * constants, which programs load), then loads it.
                     */
                    public static %2$s load(java.util.function.Consumer<dev.ebpf4j.core.BpfObjectSpec> beforeLoad) {
                        dev.ebpf4j.core.BpfObjectSpec spec = dev.ebpf4j.core.BpfObject.openResource(%2$s.class, RESOURCE);
                        dev.ebpf4j.core.BpfObject object;
                        try {
                            beforeLoad.accept(spec);
                            object = spec.load();
                        } catch (RuntimeException | Error e) {
                            spec.close();
                            throw e;
                        }
                        try {
                            return new %2$s(object);
                        } catch (RuntimeException | Error e) {
                            object.close();
                            throw e;
                        }
                    }

                %5$s    /** The loaded object, for what the accessors do not cover (pinning, BTF, variables by name). */
                    public dev.ebpf4j.core.BpfObject object() {
                        return object;
                    }

                    /** Unmaps the globals and closes the object: its maps and programs, and links held only here. */
                    @Override
                    public void close() {
                        variables.forEach(dev.ebpf4j.maps.Variable::close);
                        object.close();
                    }
                }
                """.formatted(objectName, className, fields, init, accessors);
    }

    static final String GENERATED = "// Generated by ebpf4j";
    static final String HANDLE = "dev.ebpf4j.core.ProgramHandle";

    private static String codec(String javaType) {
        return "dev.ebpf4j.maps.codec.Codec.of(" + javaType + ".class)";
    }

    private static String unique(Set<String> names, String wanted, String suffix) {
        String name = wanted;
        if (!names.add(name)) {
            name = wanted + suffix;
            for (int i = 2; !names.add(name); i++) name = wanted + suffix + i;
        }
        return name;
    }
}
