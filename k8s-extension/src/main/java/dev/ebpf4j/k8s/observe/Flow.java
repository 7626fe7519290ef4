package dev.ebpf4j.k8s.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One observed flow, in the spirit of Hubble's {@code Flow}: who talked to whom, over what, and what the datapath did.
 *
 * @param time        when the event happened (wall clock, converted from the kernel's monotonic timestamp)
 * @param type        event class ({@code l7|trace|drop|sock})
 * @param source      source endpoint
 * @param destination destination endpoint
 * @param protocol    IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6)
 * @param tcpFlags    TCP flags byte of the packet (0 when not TCP or not packet-based)
 * @param verdict     what the datapath did
 * @param dropReason  why it dropped ({@link DropReason#NONE} unless {@code verdict == DROPPED})
 * @param translation Service VIP the destination was translated from, or {@code null}
 * @param direction   ingress or egress on {@code ifindex}
 * @param ifindex     interface index the packet was seen on (0 for socket events)
 * @param tcpEvent    TCP lifecycle event for {@link FlowType#SOCK} flows, else {@code null}
 * @param latency     handshake latency for {@link TcpEvent#ESTABLISHED}, L7 latency for L7 flows, else zero
 * @param l7          HTTP or DNS details for {@link FlowType#L7} flows, else {@code null}
 */
public record Flow(Instant time, FlowType type, FlowEndpoint source, FlowEndpoint destination, int protocol,
                   int tcpFlags, Verdict verdict, DropReason dropReason, ServiceTranslation translation,
                   TrafficDirection direction, int ifindex, TcpEvent tcpEvent, Duration latency, L7Info l7) {
    public Flow {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(dropReason, "dropReason");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(latency, "latency");
    }

    /** Protocol name: TCP, UDP, ICMP, ICMPv6 or the number. */
    public String protocolName() {
        return switch (protocol) {
            case 6 -> "TCP"; case 17 -> "UDP"; case 1 -> "ICMP"; case 58 -> "ICMPv6"; case 132 -> "SCTP";
            default -> Integer.toString(protocol);
        };
    }

    /** HTTP details if this is an HTTP flow. */
    public Optional<HttpInfo> http() {
        return l7 instanceof HttpInfo h ? Optional.of(h) : Optional.empty();
    }

    /** DNS details if this is a DNS flow. */
    public Optional<DnsInfo> dns() {
        return l7 instanceof DnsInfo d ? Optional.of(d) : Optional.empty();
    }

    /** TCP flags as hubble prints them ({@code SYN, ACK}), empty when none. */
    public String tcpFlagNames() {
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((tcpFlags & (1 << i)) != 0) b.append(b.isEmpty() ? "" : ", ").append(names[i]);
        }
        return b.toString();
    }
}
