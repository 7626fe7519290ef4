package dev.ebpf4j.k8s.lb;

/**
 * How NodePort, external-IP and load-balancer-IP traffic reaches a backend on another node (one reached back out
 * through the interface the request came in on). Local backends are only DNATed in either mode, so they see the
 * client's address.
 */
public enum NodePortMode {
    /**
     * The source becomes this node's address and a port in 32768-65535 (the client's own where it is free), so
     * replies come back through this node, which restores the frontend and the client. The backend sees this node,
     * not the client. Cilium's default too.
     */
    SNAT,
    /**
     * Direct server return: the client's address stays, and the frontend (address and port) travels to the backend's
     * node in an 8-byte IPv4 option (type 0x9e, RFC 4727's experimental number) on a TCP SYN and on every UDP
     * datagram; that node's agent answers the client directly from the frontend's address. Every node must run the
     * NodePort programs, and UDP datagrams must fit the underlay MTU minus 8 bytes.
     */
    DSR
}
