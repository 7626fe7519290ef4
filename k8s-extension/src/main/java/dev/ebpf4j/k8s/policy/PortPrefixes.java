package dev.ebpf4j.k8s.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inclusive port range into the fewest aligned power-of-two blocks, each a (port, prefix length) pair
 * over the 16-bit port: 80-81 is 80/15; 1-65535 is 16 blocks; any range needs at most 30.
 */
public final class PortPrefixes {

    /**
     * One aligned block.
     *
     * @param port the first port of the block
     * @param prefixLength the number of leading port bits fixed (16 means exactly one port)
     */
    public record PortPrefix(int port, int prefixLength) {
        /** @return the last port of the block */
        public int lastPort() {
            return port + (1 << (16 - prefixLength)) - 1;
        }
    }

    private PortPrefixes() {
    }

    /**
     * @param first first port (0..65535)
     * @param last last port, inclusive, {@code >= first}
     * @return the blocks in ascending order
     */
    public static List<PortPrefix> of(int first, int last) {
        if (first < 0 || last > 65535 || last < first) {
            throw new IllegalArgumentException("port range " + first + "-" + last + " is not within 0..65535");
        }
        List<PortPrefix> out = new ArrayList<>();
        int lo = first;
        while (lo <= last) {
            int size = lo == 0 ? 1 << 16 : Integer.lowestOneBit(lo);
            while (lo + size - 1 > last) {
                size >>= 1;
            }
            out.add(new PortPrefix(lo, 16 - Integer.numberOfTrailingZeros(size)));
            lo += size;
        }
        return out;
    }
}
