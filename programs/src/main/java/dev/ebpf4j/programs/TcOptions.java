package dev.ebpf4j.programs;

import java.util.Objects;
import java.util.Optional;

/**
 * How to attach a TC program: tcx link or netlink cls_bpf (chosen by probing unless forced), where to place it
 * among other tcx programs, and the netlink filter's priority and handle.
 *
 * @param strategy  {@link AttachStrategy#AUTO} uses tcx when the kernel has it (Linux 6.6+)
 * @param anchor    tcx only: run before or after this link or program (empty: append)
 * @param priority  netlink only: filter priority (1..65535, 0 lets the kernel choose)
 * @param handle    netlink only: filter handle (0 lets the kernel choose)
 */
public record TcOptions(AttachStrategy strategy, Optional<Anchor> anchor, int priority, int handle) {
    public TcOptions {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(anchor, "anchor");
        if (priority < 0 || priority > 0xFFFF) throw new IllegalArgumentException("priority must be 0..65535, was " + priority);
    }

    /** tcx when available, else netlink with kernel-chosen priority and handle. */
    public static TcOptions defaults() {
        return new TcOptions(AttachStrategy.AUTO, Optional.empty(), 0, 0);
    }

    public TcOptions strategy(AttachStrategy s) {
        return new TcOptions(s, anchor, priority, handle);
    }

    /** Netlink filter priority and handle. */
    public TcOptions filter(int newPriority, int newHandle) {
        return new TcOptions(strategy, anchor, newPriority, newHandle);
    }

    /** tcx: run before the program of {@code link} (a tcx {@link BpfLink}). */
    public TcOptions before(BpfLink link) {
        return new TcOptions(strategy, Optional.of(new Anchor(true, link, null)), priority, handle);
    }

    /** tcx: run after the program of {@code link}. */
    public TcOptions after(BpfLink link) {
        return new TcOptions(strategy, Optional.of(new Anchor(false, link, null)), priority, handle);
    }

    /** tcx: run before {@code program} (attached without a link). */
    public TcOptions before(TcProgram program) {
        return new TcOptions(strategy, Optional.of(new Anchor(true, null, program)), priority, handle);
    }

    /** tcx: run after {@code program}. */
    public TcOptions after(TcProgram program) {
        return new TcOptions(strategy, Optional.of(new Anchor(false, null, program)), priority, handle);
    }

    /** A position relative to a link or a program: exactly one of them is set. */
    public record Anchor(boolean before, BpfLink link, TcProgram program) {}
}
