package dev.ebpf4j.core.features;

/** A probe's answer. {@code INCONCLUSIVE} means the probe itself failed for another reason (for example privileges). */
public enum Availability {
    AVAILABLE, NOT_SUPPORTED, INCONCLUSIVE;

    public boolean isAvailable() {
        return this == AVAILABLE;
    }
}
