package dev.ebpf4j.core.build;

import java.util.List;

/** What {@link JavaTypeGenerator} found in BTF and {@link RecordWriter} turns into source. */
final class TypeModel {
    private TypeModel() {}

    /** How a C member is held in Java. */
    enum Shape { SCALAR, BOOLEAN, ARRAY, BYTES, RECORD, RECORD_ARRAY }

    /**
     * One record component.
     *
     * @param javaType   the component's Java type ({@code int}, {@code int[]}, {@code FlowKey[]} ...)
     * @param layout     the {@code ValueLayout} constant of a scalar or array element, such as {@code JAVA_INT_UNALIGNED}
     * @param count      element count of arrays (total, multi-dimensional arrays flattened), byte count of BYTES
     * @param recordType the record class of RECORD and RECORD_ARRAY components
     * @param note       what the Java reader should know (unsigned, network order, union kept as bytes ...)
     */
    record Field(String javaName, String cDeclaration, int offset, int size, Shape shape, String javaType,
                 String layout, int count, String recordType, int elementSize, String note) {}

    /** A struct becoming a record; {@code nested} are anonymous member structs, emitted inside it. */
    record Struct(String className, String cName, int size, List<Field> fields, List<Struct> nested, List<String> usages) {}

    record EnumValue(String name, long value) {}

    /** A C enum becoming a class of constants. */
    record Enum(String className, String cName, int size, boolean signed, List<EnumValue> values, List<String> usages) {}
}
