package dev.ebpf4j.core.build;

import dev.ebpf4j.core.btf.Btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One CO-RE relocation recorded by clang in {@code .BTF.ext}: an instruction whose field offset, size or
 * existence libbpf fixes up against the running kernel's BTF at load time.
 *
 * @param section      the program section, such as {@code "tp/sock/inet_sock_set_state"}
 * @param instruction  the instruction's byte offset in the section
 * @param type         the local type, such as {@code "struct sock_common"}
 * @param access       the access string, such as {@code "0:1"} (member indices)
 * @param kind         what is relocated
 */
public record CoreRelocation(String section, int instruction, String type, String access, Kind kind) {

    /** {@code enum bpf_core_relo_kind}. */
    public enum Kind {
        FIELD_BYTE_OFFSET, FIELD_BYTE_SIZE, FIELD_EXISTS, FIELD_SIGNED, FIELD_LSHIFT_U64, FIELD_RSHIFT_U64,
        TYPE_ID_LOCAL, TYPE_ID_TARGET, TYPE_EXISTS, TYPE_SIZE, ENUMVAL_EXISTS, ENUMVAL_VALUE, TYPE_MATCHES, UNKNOWN
    }

    /** The CO-RE relocations in an object file's {@code .BTF.ext}; empty if it has none. */
    public static List<CoreRelocation> read(byte[] elf) {
        Map<String, byte[]> sections = ElfSections.read(elf);
        byte[] btfBytes = sections.get(".BTF"), ext = sections.get(".BTF.ext");
        if (btfBytes == null || ext == null) return List.of();
        Btf btf = Btf.parse(btfBytes);
        ByteBuffer b = ByteBuffer.wrap(ext).order(ByteOrder.LITTLE_ENDIAN);
        if ((b.getShort(0) & 0xFFFF) != 0xEB9F) b.order(ByteOrder.BIG_ENDIAN);
        int hdrLen = b.getInt(4);
        if (hdrLen < 32) return List.of(); // no core_relo fields in this header version
        int off = hdrLen + b.getInt(24), len = b.getInt(28);
        List<CoreRelocation> relocations = new ArrayList<>();
        if (len == 0) return relocations;
        int recordSize = b.getInt(off);
        int pos = off + 4, end = off + len;
        while (pos < end) {
            String section = btf.string(b.getInt(pos));
            int count = b.getInt(pos + 4);
            pos += 8;
            for (int i = 0; i < count; i++, pos += recordSize) {
                int kind = b.getInt(pos + 12);
                relocations.add(new CoreRelocation(section, b.getInt(pos), btf.describe(b.getInt(pos + 4)),
                        btf.string(b.getInt(pos + 8)), kind < Kind.values().length - 1 ? Kind.values()[kind] : Kind.UNKNOWN));
            }
        }
        return relocations;
    }
}
