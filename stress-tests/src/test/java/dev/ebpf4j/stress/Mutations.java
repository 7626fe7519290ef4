package dev.ebpf4j.stress;

import java.util.Arrays;
import java.util.Random;

/** Mutations of valid inputs, as fuzzers make them: byte flips, boundary values, truncation, duplication, splices. */
final class Mutations {
    private static final byte[] BOUNDARY = {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xfe};

    private Mutations() {}

    /** Applies 1..{@code maxEdits} random edits chosen by {@code seed} to a copy of {@code valid}. */
    static byte[] mutate(byte[] valid, long seed, int maxEdits) {
        Random r = new Random(seed);
        byte[] b = valid.clone();
        int edits = 1 + r.nextInt(maxEdits);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = BOUNDARY[r.nextInt(BOUNDARY.length)];
                case 2 -> { // a 32-bit boundary value over a length or offset field
                    int v = switch (r.nextInt(4)) { case 0 -> 0; case 1 -> -1; case 2 -> Integer.MAX_VALUE; default -> Integer.MIN_VALUE; };
                    for (int i = 0; i < 4 && at + i < b.length; i++) b[at + i] = (byte) (v >> (8 * i));
                }
                case 3 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncate
                case 4 -> { // duplicate a chunk in place
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    int to = r.nextInt(b.length);
                    System.arraycopy(b, at, b, to, Math.min(len, b.length - to));
                }
                case 5 -> b[at] = (byte) r.nextInt(256);
                default -> { // grow with random bytes
                    byte[] more = new byte[1 + r.nextInt(32)];
                    r.nextBytes(more);
                    byte[] grown = Arrays.copyOf(b, b.length + more.length);
                    System.arraycopy(more, 0, grown, b.length, more.length);
                    b = grown;
                }
            }
        }
        return b;
    }

    /** The bytes of ELF section {@code name} (64-bit little-endian ELF), or null. */
    static byte[] elfSection(byte[] elf, String name) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(elf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long shoff = bb.getLong(0x28);
        int shentsize = bb.getShort(0x3A) & 0xffff, shnum = bb.getShort(0x3C) & 0xffff, shstrndx = bb.getShort(0x3E) & 0xffff;
        long strtab = bb.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * shentsize);
            int nameOff = bb.getInt(sh);
            int end = (int) strtab + nameOff;
            while (elf[end] != 0) end++;
            if (new String(elf, (int) strtab + nameOff, end - (int) strtab - nameOff).equals(name)) {
                long off = bb.getLong(sh + 0x18), size = bb.getLong(sh + 0x20);
                return Arrays.copyOfRange(elf, (int) off, (int) (off + size));
            }
        }
        return null;
    }
}
