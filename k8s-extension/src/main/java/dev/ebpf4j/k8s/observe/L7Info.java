package dev.ebpf4j.k8s.observe;

/** Application-layer details of an {@link FlowType#L7} flow. */
public sealed interface L7Info permits HttpInfo, DnsInfo {
    /** Request-to-response time, or {@link java.time.Duration#ZERO} when no match was seen. */
    java.time.Duration latency();
}
