package dev.ebpf4j.k8s.lb;

/** The state of a backend in the backend map. */
public enum BackendState {
    /** Ready: may be chosen for new connections. */
    ACTIVE,
    /** Terminating: keeps established flows (conntrack, affinity within a flow) but gets no new connection. */
    TERMINATING
}
