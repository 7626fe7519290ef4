package dev.ebpf4j.k8s.model;

/** The direction a NetworkPolicy isolates ({@code spec.policyTypes}). */
public enum PolicyType {
    /** Traffic arriving at the selected pods. */
    INGRESS,
    /** Traffic leaving the selected pods. */
    EGRESS
}
