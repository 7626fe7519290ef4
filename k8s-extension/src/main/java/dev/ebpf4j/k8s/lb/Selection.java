package dev.ebpf4j.k8s.lb;

/** How the datapath picks a backend for a new connection. */
public enum Selection {
    /** A uniformly random active slot per new connection. */
    RANDOM,
    /**
     * Maglev consistent hashing of the flow (TC path: the 5-tuple; socket path: the socket cookie and the service
     * id), mixed through a 64-bit finaliser before it indexes the table, so that a change of the backend set moves
     * only the flows of the backends that changed and consecutive flows land on independent entries.
     */
    MAGLEV
}
