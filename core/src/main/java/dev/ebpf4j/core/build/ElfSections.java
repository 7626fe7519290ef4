package dev.ebpf4j.core.build;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named sections of a 64-bit ELF file and its function symbols: just enough to find {@code .BTF} in an object
 * and the programs libbpf will make of it (functions in executable sections other than {@code .text}).
 */
final class ElfSections {
    private static final int SHT_SYMTAB = 2, SHT_NOBITS = 8, SHF_EXECINSTR = 0x4, STT_FUNC = 2;

    private ElfSections() {}

    /** A program: the function {@code name} in section {@code section}. */
    record Function(String section, String name) {}

    private record Header(String name, int type, long flags, long offset, long size, int link) {}

    static Map<String, byte[]> read(byte[] elf) {
        Map<String, byte[]> sections = new LinkedHashMap<>();
        for (Header h : headers(elf)) {
            if (h.type() == SHT_NOBITS || h.offset() + h.size() > elf.length || h.offset() < 0 || h.size() < 0) continue;
            sections.put(h.name(), slice(elf, h));
        }
        return sections;
    }

    /** The functions libbpf loads as programs, in symbol table order. */
    static List<Function> programs(byte[] elf) {
        List<Header> headers = headers(elf);
        ByteBuffer b = order(elf);
        List<Function> out = new ArrayList<>();
        for (Header symtab : headers) {
            if (symtab.type() != SHT_SYMTAB || symtab.link() >= headers.size()) continue;
            byte[] names = slice(elf, headers.get(symtab.link()));
            for (long at = symtab.offset(); at + 24 <= symtab.offset() + symtab.size(); at += 24) {
                int info = elf[(int) at + 4] & 0xFF, section = b.getShort((int) at + 6) & 0xFFFF;
                if ((info & 0xF) != STT_FUNC || section == 0 || section >= headers.size()) continue;
                Header h = headers.get(section);
                if ((h.flags() & SHF_EXECINSTR) == 0 || h.name().equals(".text")) continue;
                out.add(new Function(h.name(), cString(names, b.getInt((int) at))));
            }
        }
        return out;
    }

    private static List<Header> headers(byte[] elf) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new IllegalArgumentException("not an ELF file");
        }
        if (elf[4] != 2) throw new IllegalArgumentException("not a 64-bit ELF file (BPF objects are ELF64)");
        ByteBuffer b = order(elf);
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3A) & 0xFFFF, shnum = b.getShort(0x3C) & 0xFFFF, shstrndx = b.getShort(0x3E) & 0xFFFF;
        if (shoff <= 0 || shentsize < 64 || shoff + (long) shnum * shentsize > elf.length || shstrndx >= shnum) {
            throw new IllegalArgumentException("ELF section header table is out of range");
        }
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize + 24));
        List<Header> headers = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            headers.add(new Header(cString(elf, (int) (strOff + Integer.toUnsignedLong(b.getInt(h)))), b.getInt(h + 4),
                    b.getLong(h + 8), b.getLong(h + 24), b.getLong(h + 32), b.getInt(h + 40)));
        }
        return headers;
    }

    private static ByteBuffer order(byte[] elf) {
        return ByteBuffer.wrap(elf).order(elf[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    }

    private static byte[] slice(byte[] elf, Header h) {
        if (h.type() == SHT_NOBITS || h.offset() < 0 || h.size() < 0 || h.offset() + h.size() > elf.length) return new byte[0];
        byte[] data = new byte[(int) h.size()];
        System.arraycopy(elf, (int) h.offset(), data, 0, (int) h.size());
        return data;
    }

    private static String cString(byte[] bytes, int start) {
        if (start < 0 || start >= bytes.length) return "";
        int end = start;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }
}
