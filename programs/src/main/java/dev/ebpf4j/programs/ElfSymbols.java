package dev.ebpf4j.programs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Resolves a function symbol of an ELF64 little-endian file to the file offset a uprobe needs: the symbol's
 * virtual address from {@code .symtab} or {@code .dynsym}, mapped through the {@code PT_LOAD} segment containing it.
 */
final class ElfSymbols {
    private static final int SHT_SYMTAB = 2, SHT_DYNSYM = 11, STT_FUNC = 2, STT_GNU_IFUNC = 10, PT_LOAD = 1;

    private ElfSymbols() {}

    static long fileOffset(Path file, String symbol) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < 64) throw new IllegalArgumentException(file + " is not an ELF file (" + ch.size() + " bytes)");
            ByteBuffer elf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (elf.getInt(0) != 0x464c457f || elf.get(4) != 2 || elf.get(5) != 1) {
                throw new IllegalArgumentException(file + " is not a 64-bit little-endian ELF file");
            }
            long address = symbolAddress(elf, symbol);
            if (address == 0) throw new IllegalArgumentException("no function symbol " + symbol + " defined in " + file);
            return toOffset(elf, address, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(file + " is a truncated or malformed ELF file", e);
        }
    }

    private static long symbolAddress(ByteBuffer elf, String symbol) {
        long shoff = elf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(elf.getShort(0x3A)), shnum = Short.toUnsignedInt(elf.getShort(0x3C));
        byte[] want = symbol.getBytes(StandardCharsets.UTF_8);
        for (int type : new int[] {SHT_SYMTAB, SHT_DYNSYM}) {
            for (int i = 0; i < shnum; i++) {
                int sh = (int) (shoff + (long) i * shentsize);
                if (elf.getInt(sh + 4) != type) continue;
                int offset = (int) elf.getLong(sh + 0x18), size = (int) elf.getLong(sh + 0x20);
                int entsize = (int) elf.getLong(sh + 0x38);
                int link = elf.getInt(sh + 0x28);
                int strtab = (int) elf.getLong((int) (shoff + (long) link * shentsize) + 0x18);
                for (int s = offset; s + entsize <= offset + size; s += entsize) {
                    int kind = elf.get(s + 4) & 0xF;
                    long value = elf.getLong(s + 8);
                    if ((kind == STT_FUNC || kind == STT_GNU_IFUNC) && value != 0
                            && nameEquals(elf, strtab + elf.getInt(s), want)) {
                        return value;
                    }
                }
            }
        }
        return 0;
    }

    private static boolean nameEquals(ByteBuffer elf, int at, byte[] want) {
        for (int i = 0; i < want.length; i++) if (elf.get(at + i) != want[i]) return false;
        return elf.get(at + want.length) == 0;
    }

    private static long toOffset(ByteBuffer elf, long address, Path file) {
        long phoff = elf.getLong(0x20);
        int phentsize = Short.toUnsignedInt(elf.getShort(0x36)), phnum = Short.toUnsignedInt(elf.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            if (elf.getInt(ph) != PT_LOAD || (elf.getInt(ph + 4) & 1) == 0) continue; // executable PT_LOAD only
            long offset = elf.getLong(ph + 8), vaddr = elf.getLong(ph + 0x10), filesz = elf.getLong(ph + 0x20);
            if (address >= vaddr && address < vaddr + filesz) return address - vaddr + offset;
        }
        throw new IllegalArgumentException("address 0x" + Long.toHexString(address) + " is in no executable segment of " + file);
    }
}
