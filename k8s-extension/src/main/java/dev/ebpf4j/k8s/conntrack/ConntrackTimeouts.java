package dev.ebpf4j.k8s.conntrack;

import java.time.Duration;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * How long a conntrack entry lives after it was last seen, by protocol and TCP state (the rules of the datapath's
 * {@code ct_age.h}). The defaults are those of Cilium's datapath: established TCP 6 h, TCP that has seen only SYNs
 * 60 s, TCP after a FIN or RST 10 s, every other protocol (UDP, ICMP, ...) 60 s.
 *
 * {@snippet class="dev.ebpf4j.k8s.conntrack.PackageSnippets" region="timeouts"}
 *
 * @param tcpEstablished a TCP connection that has carried a packet without SYN
 * @param tcpSyn         a TCP connection that has carried only SYN (and SYN-ACK) packets
 * @param tcpClosing     a TCP connection after a FIN or RST
 * @param other          any other protocol
 */
public record ConntrackTimeouts(Duration tcpEstablished, Duration tcpSyn, Duration tcpClosing, Duration other) {
    private static final Duration MAX_REFRESH = Duration.ofSeconds(1);
    private static final Duration MIN_GC_INTERVAL = Duration.ofSeconds(1);
    /** The datapath keeps the time in 62 bits of nanoseconds; far more than any sensible timeout. */
    private static final Duration MAX = Duration.ofDays(365);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a timeout is null, zero, negative, shorter than 1 ms or longer than a year
     */
    public ConntrackTimeouts {
        check("tcpEstablished", tcpEstablished);
        check("tcpSyn", tcpSyn);
        check("tcpClosing", tcpClosing);
        check("other", other);
    }

    private static void check(String name, Duration d) {
        Objects.requireNonNull(d, () -> "conntrack timeout " + name + " is null");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("conntrack timeout " + name + " must be positive, got " + d
                    + ": an entry would expire as it is made (use a duration such as 60s)");
        }
        if (d.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("conntrack timeout " + name + " must be at least 1 ms, got " + d);
        }
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("conntrack timeout " + name + " must be at most 365 days, got " + d);
        }
    }

    /** Cilium's datapath defaults: 6 h established TCP, 60 s SYN-only TCP, 10 s closing TCP, 60 s other. */
    public static ConntrackTimeouts defaults() {
        return new ConntrackTimeouts(Duration.ofHours(6), Duration.ofSeconds(60), Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    /** @param d the timeout @return a copy with {@code d} for established TCP */
    public ConntrackTimeouts withTcpEstablished(Duration d) {
        return new ConntrackTimeouts(d, tcpSyn, tcpClosing, other);
    }

    /** @param d the timeout @return a copy with {@code d} for SYN-only TCP */
    public ConntrackTimeouts withTcpSyn(Duration d) {
        return new ConntrackTimeouts(tcpEstablished, d, tcpClosing, other);
    }

    /** @param d the timeout @return a copy with {@code d} for closing TCP */
    public ConntrackTimeouts withTcpClosing(Duration d) {
        return new ConntrackTimeouts(tcpEstablished, tcpSyn, d, other);
    }

    /** @param d the timeout @return a copy with {@code d} for protocols other than TCP */
    public ConntrackTimeouts withOther(Duration d) {
        return new ConntrackTimeouts(tcpEstablished, tcpSyn, tcpClosing, d);
    }

    /** The shortest of the four timeouts. */
    public Duration shortest() {
        return Stream.of(tcpEstablished, tcpSyn, tcpClosing, other).min(Duration::compareTo).orElseThrow();
    }

    /**
     * How stale a live entry's last-seen time may get before a packet writes it again: an eighth of the shortest
     * timeout, at most 1 s (writing it on every packet would dirty a shared cache line per packet).
     */
    public Duration refresh() {
        Duration eighth = shortest().dividedBy(8);
        return eighth.compareTo(MAX_REFRESH) < 0 ? eighth : MAX_REFRESH;
    }

    /** How often the sweep runs: half the shortest timeout, at least 1 s. */
    public Duration gcInterval() {
        Duration half = shortest().dividedBy(2);
        return half.compareTo(MIN_GC_INTERVAL) > 0 ? half : MIN_GC_INTERVAL;
    }

    /**
     * The lifetime of an entry in datapath state {@code state} ({@code ct_age.h}: bit 0 a packet without SYN seen,
     * bit 1 closing).
     *
     * @param protocol the IP protocol number
     * @param state    the entry's state bits
     * @return the lifetime in nanoseconds
     */
    public long lifetimeNanos(int protocol, int state) {
        if (protocol != 6) return other.toNanos();
        if ((state & 2) != 0) return tcpClosing.toNanos();
        return (state & 1) != 0 ? tcpEstablished.toNanos() : tcpSyn.toNanos();
    }

    /** "tcp 6h / syn 1m / closing 10s / other 1m". */
    public String describe() {
        return "tcp " + human(tcpEstablished) + " / syn " + human(tcpSyn) + " / closing " + human(tcpClosing)
                + " / other " + human(other);
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
