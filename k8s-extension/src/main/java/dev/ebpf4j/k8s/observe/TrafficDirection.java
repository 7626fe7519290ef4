package dev.ebpf4j.k8s.observe;

/** Where on an interface a packet was seen ({@code enum obs_direction} in observe_event.h). */
public enum TrafficDirection {
    UNKNOWN, INGRESS, EGRESS;

    /** The direction for the C code {@code code}. */
    public static TrafficDirection of(int code) {
        return switch (code) {
            case 1 -> INGRESS;
            case 2 -> EGRESS;
            default -> UNKNOWN;
        };
    }
}
