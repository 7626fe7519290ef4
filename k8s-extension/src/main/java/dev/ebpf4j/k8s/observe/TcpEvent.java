package dev.ebpf4j.k8s.observe;

/** TCP socket lifecycle events ({@code enum obs_tcp_event} in observe_event.h). */
public enum TcpEvent {
    UNKNOWN, CONNECT, ESTABLISHED, ACCEPTED, CLOSE, REFUSED, TIMEOUT, RESET, RETRANSMIT,
    /** Closed with a socket error other than refused/timeout/reset (the flow's sk_err, e.g. EHOSTUNREACH). */
    ERROR;

    /** The event for the C code {@code code}. */
    public static TcpEvent of(int code) {
        TcpEvent[] all = values();
        return code > 0 && code < all.length ? all[code] : UNKNOWN;
    }

    /** Whether this event means the connection failed or degraded. */
    public boolean isFailure() {
        return this == REFUSED || this == TIMEOUT || this == RESET || this == RETRANSMIT || this == ERROR;
    }
}
