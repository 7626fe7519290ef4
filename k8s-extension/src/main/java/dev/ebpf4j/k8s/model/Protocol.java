package dev.ebpf4j.k8s.model;

import java.util.Locale;

/** The L4 protocol of a Service or endpoint port, with its IP protocol number as the datapath keys it. */
public enum Protocol {
    /** TCP, IP protocol 6. */
    TCP(6),
    /** UDP, IP protocol 17. */
    UDP(17),
    /** SCTP, IP protocol 132. */
    SCTP(132);

    private final int ipProtocol;

    Protocol(int ipProtocol) {
        this.ipProtocol = ipProtocol;
    }

    /** The IANA protocol number ({@code IPPROTO_*}). */
    public int ipProtocol() {
        return ipProtocol;
    }

    /** Parses the Kubernetes spelling; {@code null} means TCP, the API's default. */
    public static Protocol parse(String value) {
        if (value == null || value.isEmpty()) return TCP;
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown protocol '" + value + "'; expected TCP, UDP or SCTP", e);
        }
    }
}
