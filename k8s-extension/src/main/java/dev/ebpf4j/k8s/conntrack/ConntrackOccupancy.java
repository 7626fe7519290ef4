package dev.ebpf4j.k8s.conntrack;

import java.util.Arrays;
import java.util.Optional;

/**
 * How full one conntrack table is and what its entries are, counted from raw entries (a pinned map's dump): TCP
 * entries by state (the datapath's {@code ct_age.h} bits) and the rest.
 *
 * @param table          the map's name: {@code lb_ct}, {@code lb_snat} or {@code policy_conntrack}
 * @param entries        all entries
 * @param tcpSynOnly     TCP entries that have seen only SYN packets
 * @param tcpEstablished TCP entries past the handshake, not closing
 * @param tcpClosing     TCP entries after a FIN or RST
 * @param other          entries of other protocols
 */
public record ConntrackOccupancy(String table, int entries, int tcpSynOnly, int tcpEstablished, int tcpClosing, int other) {

    /** The conntrack maps this counts, by name. */
    public static final java.util.List<String> TABLES = Arrays.stream(ConntrackTable.values()).map(t -> t.map).toList();

    /** An empty count for {@code table}, to add entries to. */
    public static ConntrackOccupancy empty(String table) {
        return new ConntrackOccupancy(table, 0, 0, 0, 0, 0);
    }

    /**
     * This count with one more raw entry of the table.
     *
     * @throws IllegalArgumentException when the table is not one of {@link #TABLES} or the entry has another size
     */
    public ConntrackOccupancy plus(byte[] key, byte[] value) {
        ConntrackTable t = known().orElseThrow(() -> new IllegalArgumentException("not a conntrack table: " + table
                + " (known: " + TABLES + ")"));
        if (key.length != t.key.size() || value.length != t.value.size()) {
            throw new IllegalArgumentException(table + " entries are " + t.key.size() + "/" + t.value.size()
                    + " bytes, got " + key.length + "/" + value.length + ": a datapath of another layout");
        }
        if (t.protocol(key) != 6) return new ConntrackOccupancy(table, entries + 1, tcpSynOnly, tcpEstablished, tcpClosing, other + 1);
        int s = t.state(value);
        if ((s & 2) != 0) return new ConntrackOccupancy(table, entries + 1, tcpSynOnly, tcpEstablished, tcpClosing + 1, other);
        if ((s & 1) != 0) return new ConntrackOccupancy(table, entries + 1, tcpSynOnly, tcpEstablished + 1, tcpClosing, other);
        return new ConntrackOccupancy(table, entries + 1, tcpSynOnly + 1, tcpEstablished, tcpClosing, other);
    }

    private Optional<ConntrackTable> known() {
        return Arrays.stream(ConntrackTable.values()).filter(t -> t.map.equals(table)).findFirst();
    }
}
