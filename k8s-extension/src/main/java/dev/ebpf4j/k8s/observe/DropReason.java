package dev.ebpf4j.k8s.observe;

/** Why a datapath program dropped a packet ({@code enum obs_drop_reason} in observe_event.h). */
public enum DropReason {
    NONE, POLICY_DENIED, NO_BACKEND, INVALID_PACKET, CT_INVALID, UNSUPPORTED_L3, MAP_FULL, UNKNOWN;

    /** The reason for the C code {@code code}; codes this version does not know map to {@link #UNKNOWN}. */
    public static DropReason of(int code) {
        DropReason[] all = values();
        return code >= 0 && code < all.length - 1 ? all[code] : UNKNOWN;
    }
}
