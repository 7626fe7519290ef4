package dev.ebpf4j.k8s.observe;

/** What the datapath did with the traffic a flow describes ({@code enum obs_verdict} in observe_event.h). */
public enum Verdict {
    UNKNOWN, FORWARDED, DROPPED, TRANSLATED;

    /** The verdict for the C code {@code code}; unknown codes map to {@link #UNKNOWN}. */
    public static Verdict of(int code) {
        return switch (code) {
            case 1 -> FORWARDED;
            case 2 -> DROPPED;
            case 3 -> TRANSLATED;
            default -> UNKNOWN;
        };
    }
}
