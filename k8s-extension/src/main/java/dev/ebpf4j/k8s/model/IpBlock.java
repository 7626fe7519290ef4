package dev.ebpf4j.k8s.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A NetworkPolicy {@code ipBlock} peer: addresses in {@code cidr} but in none of the {@code except} prefixes.
 *
 * @param cidr the allowed prefix
 * @param except prefixes inside {@code cidr} that are not allowed
 */
public record IpBlock(Cidr cidr, List<Cidr> except) {

    /** Validates as the API server does: every except prefix lies strictly inside the cidr, same family. */
    public IpBlock {
        Objects.requireNonNull(cidr, "cidr");
        except = List.copyOf(except == null ? List.of() : except);
        for (Cidr e : except) {
            if (!cidr.contains(e) || e.prefixLength() == cidr.prefixLength()) {
                throw new IllegalArgumentException("except " + e + " must lie strictly inside ipBlock cidr " + cidr);
            }
        }
    }

    /**
     * @param cidr the prefix, e.g. {@code "10.0.0.0/8"}
     * @param except the excepted prefixes
     * @return the block
     */
    public static IpBlock of(String cidr, String... except) {
        return new IpBlock(Cidr.parse(cidr), java.util.Arrays.stream(except).map(Cidr::parse).toList());
    }

    /**
     * @param address an address
     * @return whether the address is in the cidr and in no except prefix
     */
    public boolean matches(InetAddress address) {
        if (!cidr.contains(address)) {
            return false;
        }
        for (Cidr e : except) {
            if (e.contains(address)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return except.isEmpty() ? cidr.toString() : cidr + " except " + except;
    }
}
