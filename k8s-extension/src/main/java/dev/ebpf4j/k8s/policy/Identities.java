package dev.ebpf4j.k8s.policy;

/**
 * The identity number space shared by the compiler, the datapath model and {@code policy.bpf.c}.
 *
 * <ul>
 *   <li>{@value #ANY}: wildcard peer in policy keys ("any peer"); never a real identity;</li>
 *   <li>{@value #HOST}: an address of the local node (ingress from it is always allowed);</li>
 *   <li>{@value #WORLD}: anything the ipcache does not know;</li>
 *   <li>{@value #FIRST_LABEL} and up: label identities, one per distinct (namespace, pod labels, namespace labels,
 *       named container ports);</li>
 *   <li>{@value #FIRST_CIDR} and up: CIDR identities, one per distinct set of matching ipBlocks.</li>
 * </ul>
 */
public final class Identities {

    /** Wildcard peer identity in policy map keys. */
    public static final int ANY = 0;
    /** Reserved identity of the local node's own addresses. */
    public static final int HOST = 1;
    /** Reserved identity of addresses the ipcache does not know. */
    public static final int WORLD = 2;
    /** First label identity. */
    public static final int FIRST_LABEL = 256;
    /** First CIDR identity (bit 24 set, so the two spaces never meet). */
    public static final int FIRST_CIDR = 1 << 24;

    private Identities() {
    }

    /**
     * @param identity an identity
     * @return whether it is a CIDR identity
     */
    public static boolean isCidr(int identity) {
        return identity >= FIRST_CIDR;
    }
}
