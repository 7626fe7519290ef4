package dev.ebpf4j.programs;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Symbol to file offset resolution, checked against binutils' view of the same file. */
class ElfSymbolsTest {
    @Test
    void libcGetpidMatchesReadelf() throws Exception {
        Path libc = Libc.path();
        Assumptions.assumeTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/readelf")), "needs binutils' readelf to cross-check");
        long address = -1;
        for (String line : dev.ebpf4j.testkit.Shell.run("readelf", "-W", "--dyn-syms", libc.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[3].equals("FUNC") && (f[7].equals("getpid") || f[7].startsWith("getpid@"))) {
                address = Long.parseLong(f[1], 16);
            }
        }
        Assumptions.assumeTrue(address > 0, "readelf lists no getpid in " + libc);
        long offset = -1;
        for (String line : dev.ebpf4j.testkit.Shell.run("readelf", "-W", "-l", libc.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[0].equals("LOAD") && line.contains("E")) {
                long off = Long.decode(f[1]), vaddr = Long.decode(f[2]), size = Long.decode(f[4]);
                if (address >= vaddr && address < vaddr + size) offset = address - vaddr + off;
            }
        }
        assertEquals(offset, ElfSymbols.fileOffset(libc, "getpid"));
    }

    @Test
    void unknownSymbolAndNonElfFile() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ElfSymbols.fileOffset(Libc.path(), "no_such_function_e4j"));
        assertThrows(IllegalArgumentException.class, () -> ElfSymbols.fileOffset(Path.of("/proc/self/status"), "x"));
    }
}
