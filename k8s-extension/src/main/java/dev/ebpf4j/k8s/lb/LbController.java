package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.source.ClusterDelta;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.k8s.source.ClusterSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The control loop: changed Services → desired frontends and backends → {@link UpdatePlan} → {@link LbDatapath}.
 * The controller keeps the desired and the applied state per frontend and per backend, so an update costs what it
 * touches: one endpoint change re-plans one Service's frontends and writes a handful of map entries, however many
 * Services the cluster has. A sync that fails leaves what it touched marked for the next one, which retries it.
 * Thread-safe: syncs are serialized.
 *
 * {@snippet :
 * try (var datapath = new SimulatedLbDatapath();
 *      var source = new ManifestDirectorySource(Path.of("manifests"))) {
 *     LbController controller = new LbController(LbConfig.forNode("node-1"), datapath);
 *     controller.follow(source);              // deltas: only the Services that changed
 *     source.start(Duration.ofSeconds(5));
 * }
 * }
 */
public final class LbController {
    private static final System.Logger LOG = System.getLogger(LbController.class.getName());

    /**
     * What one sync did.
     *
     * @param generation the source generation synced
     * @param plan       the plan applied (empty when nothing changed)
     * @param elapsed    time from the call to the last map write
     */
    public record SyncResult(long generation, UpdatePlan plan, Duration elapsed) {
    }

    /**
     * A sync that failed: the datapath misses what it would have written until a later sync succeeds.
     *
     * @param generation the source generation that failed to apply
     * @param at         when it failed
     * @param message    why
     */
    public record SyncFailure(long generation, java.time.Instant at, String message) {
    }

    private final LbDatapath datapath;
    private final DesiredIndex desired;
    private final LbPlanner planner;
    private final SourceRanges ranges;
    private final AtomicReference<SyncResult> last = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong syncErrors = new java.util.concurrent.atomic.AtomicLong();
    private volatile SyncFailure lastFailure;
    private volatile java.time.Instant lastSuccess;
    /** Whether the last sync attempt failed (cleared by the next success). */
    private volatile boolean outOfDate;

    /** A controller for freshly created (empty) maps. */
    public LbController(LbConfig config, LbDatapath datapath) {
        this(config, datapath, LbState.EMPTY);
    }

    /**
     * A controller for maps that already hold {@code applied} (such as maps pinned by a previous agent run): the
     * first sync keeps what is still wanted and deletes the rest.
     */
    public LbController(LbConfig config, LbDatapath datapath, LbState applied) {
        Objects.requireNonNull(config, "config");
        this.datapath = Objects.requireNonNull(datapath, "datapath");
        this.desired = new DesiredIndex(config);
        this.planner = new LbPlanner(config, desired, Objects.requireNonNull(applied, "applied"));
        this.ranges = new SourceRanges(config);
    }

    /**
     * Follows a source's deltas: syncs the Services each one touched. Failures are logged; what they touched is
     * retried with the next delta.
     */
    public void follow(ClusterSource source) {
        source.addDeltaListener(delta -> {
            try {
                update(delta);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "LB sync of generation " + delta.generation() + " failed", e);
            }
        });
    }

    /** Applies what changed: each listed Service's new inputs (and, for a full delta, the absence of the others). */
    public synchronized SyncResult update(ClusterDelta delta) {
        long start = System.nanoTime();
        Set<ServiceName> listed = delta.full() ? new HashSet<>() : null;
        for (ClusterDelta.ServiceChange c : delta.changes()) {
            desired.update(c.name(), c.service().orElse(null), c.slices());
            ranges.update(c.name(), c.service().orElse(null));
            if (listed != null) listed.add(c.name());
        }
        if (listed != null) {
            for (ServiceName gone : List.copyOf(desired.services())) {
                if (!listed.contains(gone)) desired.update(gone, null, List.of());
            }
            for (ServiceName gone : List.copyOf(ranges.services())) {
                if (!listed.contains(gone)) ranges.update(gone, null);
            }
        }
        return apply(delta.generation(), start);
    }

    /**
     * Brings the datapath to the state of {@code snapshot}. Compares every Service's inputs with the ones last
     * seen (by identity, as sources keep unchanged objects identical), then plans only what differs.
     */
    public synchronized SyncResult sync(ClusterSnapshot snapshot) {
        long start = System.nanoTime();
        Map<ServiceName, List<EndpointSlice>> slicesByService = new HashMap<>();
        for (EndpointSlice s : snapshot.slices().values()) {
            slicesByService.computeIfAbsent(s.service(), k -> new ArrayList<>(1)).add(s);
        }
        for (ServiceName gone : List.copyOf(desired.services())) {
            if (!snapshot.services().containsKey(gone)) desired.update(gone, null, List.of());
        }
        for (ServiceName gone : List.copyOf(ranges.services())) {
            if (!snapshot.services().containsKey(gone)) ranges.update(gone, null);
        }
        for (var e : snapshot.services().entrySet()) {
            desired.update(e.getKey(), e.getValue(), slicesByService.getOrDefault(e.getKey(), List.of()));
            ranges.update(e.getKey(), e.getValue());
        }
        return apply(snapshot.generation(), start);
    }

    private SyncResult apply(long generation, long start) {
        UpdatePlan plan = planner.plan();
        // Source ranges go in before the frontends they restrict and out after them: no frontend is ever open.
        SourceRanges.Changes rangeChanges = ranges.drain();
        if (!plan.isEmpty() || !rangeChanges.isEmpty()) {
            try {
                datapath.sourceRanges(rangeChanges.add(), false);
                datapath.apply(plan);
                datapath.sourceRanges(rangeChanges.remove(), true);
            } catch (RuntimeException e) {
                planner.abort(plan);
                ranges.retry(rangeChanges);
                syncErrors.incrementAndGet();
                lastFailure = new SyncFailure(generation, java.time.Instant.now(), String.valueOf(e.getMessage()));
                outOfDate = true;
                throw e;
            }
        }
        planner.commit(plan);
        SyncResult r = new SyncResult(generation, plan, Duration.ofNanos(System.nanoTime() - start));
        last.set(r);
        lastSuccess = java.time.Instant.now();
        outOfDate = false;
        return r;
    }

    /** The state the datapath holds after the last successful sync (a copy). */
    public synchronized LbState applied() {
        return planner.applied();
    }

    /** The desired state the controller is working towards (a copy; equal to {@link DesiredState#compute}). */
    public synchronized DesiredState desired() {
        return desired.snapshot();
    }

    /** The last successful sync, or null before the first. */
    public SyncResult lastSync() {
        return last.get();
    }

    /** When the last successful sync finished, if any did. */
    public java.util.Optional<java.time.Instant> lastSyncTime() {
        return java.util.Optional.ofNullable(lastSuccess);
    }

    /** Syncs that failed since the controller was made. */
    public long syncErrors() {
        return syncErrors.get();
    }

    /** The last failed sync, if any (also after later successes). */
    public java.util.Optional<SyncFailure> lastFailure() {
        return java.util.Optional.ofNullable(lastFailure);
    }

    /**
     * Whether the datapath is behind what the controller was given: the last sync attempt failed, and what it
     * touched waits for the next sync (a delta, or {@link #sync} of the source's snapshot, which retries it).
     */
    public boolean outOfDate() {
        return outOfDate;
    }
}
