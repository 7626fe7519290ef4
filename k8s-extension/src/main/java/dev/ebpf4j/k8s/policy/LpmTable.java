package dev.ebpf4j.k8s.policy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A simulation of a BPF_MAP_TYPE_LPM_TRIE over encoded keys ({@code u32 prefixlen} in host order, then data):
 * a lookup returns the value of the longest stored prefix that matches the key's data bits.
 */
final class LpmTable {

    private final int dataBytes;
    private final TreeMap<Integer, Map<ByteBuffer, byte[]>> byLength = new TreeMap<>();

    LpmTable(int keySize) {
        this.dataBytes = keySize - 4;
    }

    void put(byte[] key, byte[] value) {
        int len = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt();
        if (len < 0 || len > dataBytes * 8) {
            throw new IllegalArgumentException("prefix length " + len + " exceeds " + dataBytes * 8 + " data bits");
        }
        byLength.computeIfAbsent(len, l -> new HashMap<>()).put(masked(key, len), value.clone());
    }

    boolean remove(byte[] key) {
        int len = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt();
        Map<ByteBuffer, byte[]> m = byLength.get(len);
        return m != null && m.remove(masked(key, len)) != null;
    }

    int size() {
        return byLength.values().stream().mapToInt(Map::size).sum();
    }

    /** @return the value stored under exactly this prefix (length and data), not the longest match */
    Optional<byte[]> exact(byte[] key) {
        int len = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt();
        Map<ByteBuffer, byte[]> m = byLength.get(len);
        return Optional.ofNullable(m == null ? null : m.get(masked(key, len)));
    }

    Optional<byte[]> lookup(byte[] key) {
        for (var e : byLength.descendingMap().entrySet()) {
            byte[] v = e.getValue().get(masked(key, e.getKey()));
            if (v != null) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private ByteBuffer masked(byte[] key, int len) {
        byte[] data = new byte[dataBytes];
        System.arraycopy(key, 4, data, 0, dataBytes);
        for (int i = 0; i < dataBytes; i++) {
            int keep = Math.max(0, Math.min(8, len - i * 8));
            data[i] = (byte) (data[i] & (0xff << (8 - keep)));
        }
        return ByteBuffer.wrap(data);
    }
}
