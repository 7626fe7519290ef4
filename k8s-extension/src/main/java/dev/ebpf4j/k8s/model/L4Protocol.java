package dev.ebpf4j.k8s.model;

import java.util.Locale;

/** The transport protocols a NetworkPolicy port or a container port can name, with their IP protocol numbers. */
public enum L4Protocol {
    /** TCP, IP protocol 6 (the Kubernetes default when a port omits its protocol). */
    TCP(6),
    /** UDP, IP protocol 17. */
    UDP(17),
    /** SCTP, IP protocol 132. */
    SCTP(132);

    private final int number;

    L4Protocol(int number) {
        this.number = number;
    }

    /** @return the IP protocol number (the {@code protocol} field of the IPv4 header) */
    public int number() {
        return number;
    }

    /**
     * Parses the Kubernetes spelling ({@code "TCP"}, {@code "UDP"}, {@code "SCTP"}); null means the API default TCP.
     *
     * @param name the protocol name, or null
     * @return the protocol
     * @throws IllegalArgumentException for any other name
     */
    public static L4Protocol parse(String name) {
        if (name == null || name.isEmpty()) {
            return TCP;
        }
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "TCP" -> TCP;
            case "UDP" -> UDP;
            case "SCTP" -> SCTP;
            default -> throw new IllegalArgumentException("unknown protocol '" + name + "': use TCP, UDP or SCTP");
        };
    }

    /**
     * @param number an IP protocol number
     * @return the protocol with that number
     * @throws IllegalArgumentException if it is not TCP, UDP or SCTP
     */
    public static L4Protocol ofNumber(int number) {
        for (L4Protocol p : values()) {
            if (p.number == number) {
                return p;
            }
        }
        throw new IllegalArgumentException("IP protocol " + number + " is not TCP (6), UDP (17) or SCTP (132)");
    }
}
