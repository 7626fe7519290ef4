package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * Turns a {@link FlowEventView} into a {@link Flow}: endpoints resolved to pods, kernel time to wall time.
 * The only allocations are the returned flow and its parts. Not thread-safe (reuses address scratch buffers).
 */
public final class FlowDecoder {
    private final EndpointResolver resolver;
    private final KernelClock clock;
    private final byte[] v4 = new byte[4];
    private final byte[] v6 = new byte[16];

    /** A decoder that enriches endpoints through {@code resolver}. */
    public FlowDecoder(EndpointResolver resolver, KernelClock clock) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The resolver this decoder uses. */
    public EndpointResolver resolver() {
        return resolver;
    }

    /** The clock this decoder uses. */
    public KernelClock clock() {
        return clock;
    }

    /**
     * Decodes a header-only event (trace, drop or sock). L7 events carry payload that needs matching: feed them to a
     * {@link FlowAssembler} instead.
     */
    public Flow decode(FlowEventView e) {
        FlowType type = switch (e.kind()) {
            case FlowEventView.KIND_DROP -> FlowType.DROP;
            case FlowEventView.KIND_SOCK -> FlowType.SOCK;
            case FlowEventView.KIND_L7 -> FlowType.L7;
            default -> FlowType.TRACE;
        };
        Verdict verdict = Verdict.of(e.verdict());
        if (type == FlowType.DROP) verdict = Verdict.DROPPED;
        ServiceTranslation translation = null;
        if (e.originalDestinationPort() != 0) {
            translation = new ServiceTranslation(address(e, 2), e.originalDestinationPort());
        }
        TcpEvent tcp = type == FlowType.SOCK ? TcpEvent.of(e.subtype()) : null;
        return new Flow(clock.toInstant(e.timestampNanos()), type, source(e), destination(e), e.protocol(),
                e.tcpFlags(), verdict, verdict == Verdict.DROPPED ? DropReason.of(e.dropReason()) : DropReason.NONE,
                translation, TrafficDirection.of(e.direction()), e.ifindex(), tcp, Duration.ofNanos(e.latencyNanos()),
                null);
    }

    /** The event's source endpoint, resolved. */
    FlowEndpoint source(FlowEventView e) {
        InetAddress a = address(e, 0);
        return new FlowEndpoint(a, e.sourcePort(), resolver.resolve(a).orElse(null));
    }

    /** The event's destination endpoint, resolved. */
    FlowEndpoint destination(FlowEventView e) {
        InetAddress a = address(e, 1);
        return new FlowEndpoint(a, e.destinationPort(), resolver.resolve(a).orElse(null));
    }

    private InetAddress address(FlowEventView e, int which) {
        byte[] buf = e.addressLength() == 16 ? v6 : v4;
        switch (which) {
            case 0 -> e.sourceAddress(buf);
            case 1 -> e.destinationAddress(buf);
            default -> e.originalDestinationAddress(buf);
        }
        try {
            return InetAddress.getByAddress(buf); // copies buf
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
