package dev.ebpf4j.k8s.lb;

import java.util.List;

/**
 * Where update plans are applied: the kernel's BPF maps, or a {@link SimulatedLbDatapath} in tests.
 * Implementations apply the steps of a plan strictly in order, so that a concurrent reader (a BPF program, or a
 * checker in tests) never sees a service entry pointing at a missing table or backend.
 */
public interface LbDatapath extends AutoCloseable {
    /**
     * Applies every step of the plan in order.
     *
     * @throws RuntimeException a kernel failure ({@code dev.ebpf4j.core.BpfException}) leaves the steps before
     *                          the failing one applied; the caller should re-plan against a state read back, or
     *                          retry the same plan (all steps are idempotent upserts and deletes of absent keys are
     *                          ignored)
     */
    void apply(UpdatePlan plan);

    /**
     * Puts {@code entries} in order (or, with {@code remove}, deletes them in order): the
     * {@code loadBalancerSourceRanges} entries of load-balancer IP frontends (see {@link SourceRanges}).
     *
     * @throws UnsupportedOperationException by datapaths without source ranges, when there is something to do
     */
    default void sourceRanges(List<SourceRanges.Entry> entries, boolean remove) {
        if (!entries.isEmpty()) throw new UnsupportedOperationException(getClass().getSimpleName() + " has no source ranges");
    }

    /** Releases what the datapath holds. Idempotent. */
    @Override
    void close();
}
