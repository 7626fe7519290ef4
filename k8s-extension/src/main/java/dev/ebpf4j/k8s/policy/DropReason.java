package dev.ebpf4j.k8s.policy;

/**
 * Why the policy datapath dropped a packet, as it counts drops: the numbers are the {@code policy_counters} slots of
 * {@code policy.bpf.c}. Flow events carry the common {@code dev.ebpf4j.k8s.observe.DropReason#POLICY_DENIED} with
 * the direction instead.
 */
public enum DropReason {
    /** Not dropped. */
    NONE(0),
    /** The source pod's egress is isolated and no allow entry matches. */
    POLICY_EGRESS(1),
    /** The destination pod's ingress is isolated and no allow entry matches. */
    POLICY_INGRESS(2);

    private final int code;

    DropReason(int code) {
        this.code = code;
    }

    /** @return the counter slot */
    public int code() {
        return code;
    }

    /**
     * @param code a code from the datapath
     * @return the reason
     */
    public static DropReason ofCode(int code) {
        for (DropReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown drop reason code " + code);
    }
}
