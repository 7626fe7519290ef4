package dev.ebpf4j.k8s.observe;

/** Hubble's event classes: what kind of observation a {@link Flow} is. */
public enum FlowType {
    /** Application protocol exchange (HTTP request/response, DNS query/answer). */
    L7,
    /** A packet forwarded or translated by a datapath program. */
    TRACE,
    /** A packet dropped by a datapath program. */
    DROP,
    /** A TCP socket lifecycle event (connect, established, close, failures, retransmits). */
    SOCK;

    /** The lower-case name used on the command line and in JSON. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
