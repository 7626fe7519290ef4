package dev.ebpf4j.core.build;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The named sections of a 64-bit ELF file; just enough to find {@code .BTF} and {@code .BTF.ext} in an object. */
final class ElfSections {
    private ElfSections() {}

    static Map<String, byte[]> read(byte[] elf) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new IllegalArgumentException("not an ELF file");
        }
        if (elf[4] != 2) throw new IllegalArgumentException("not a 64-bit ELF file (BPF objects are ELF64)");
        ByteBuffer b = ByteBuffer.wrap(elf).order(elf[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3A) & 0xFFFF, shnum = b.getShort(0x3C) & 0xFFFF, shstrndx = b.getShort(0x3E) & 0xFFFF;
        if (shoff <= 0 || shentsize < 64 || shoff + (long) shnum * shentsize > elf.length || shstrndx >= shnum) {
            throw new IllegalArgumentException("ELF section header table is out of range");
        }
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize + 24));
        Map<String, byte[]> sections = new LinkedHashMap<>();
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            int type = b.getInt(h + 4);
            long off = b.getLong(h + 24), size = b.getLong(h + 32);
            if (type == 8 /* SHT_NOBITS */ || off + size > elf.length || off < 0 || size < 0) continue;
            String name = cString(elf, (int) (strOff + Integer.toUnsignedLong(b.getInt(h))));
            byte[] data = new byte[(int) size];
            System.arraycopy(elf, (int) off, data, 0, (int) size);
            sections.put(name, data);
        }
        return sections;
    }

    private static String cString(byte[] bytes, int start) {
        int end = start;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }
}
