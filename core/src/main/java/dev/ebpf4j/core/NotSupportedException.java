package dev.ebpf4j.core;

import java.util.Optional;

/**
 * The running kernel lacks a feature. {@link #feature()} names it; {@link #minimumKernel()} says which
 * upstream kernel introduced it, where known.
 */
public final class NotSupportedException extends BpfException {
    private final String feature;
    private final String minimumKernel;

    NotSupportedException(String operation, int errno, String feature, String minimumKernel) {
        super(operation, errno, minimumKernel == null ? feature + " is not supported by this kernel"
                : feature + " needs Linux " + minimumKernel + " or newer", null);
        this.feature = feature;
        this.minimumKernel = minimumKernel;
    }

    /** A missing feature that was detected before any call, for example by a probe. */
    public static NotSupportedException missing(String operation, String feature, String minimumKernel) {
        return new NotSupportedException(operation, Errno.EOPNOTSUPP, feature, minimumKernel);
    }

    public String feature() {
        return feature;
    }

    public Optional<String> minimumKernel() {
        return Optional.ofNullable(minimumKernel);
    }
}
