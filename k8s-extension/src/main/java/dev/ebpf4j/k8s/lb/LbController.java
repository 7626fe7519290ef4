package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.k8s.source.ClusterSource;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The control loop: snapshot → {@link DesiredState} → {@link UpdatePlan} → {@link LbDatapath}. Each sync plans
 * against the state last applied in full, so a sync that fails is retried by the next one. Thread-safe: syncs are
 * serialized.
 *
 * {@snippet :
 * try (var datapath = new SimulatedLbDatapath();
 *      var source = new ManifestDirectorySource(Path.of("manifests"))) {
 *     LbController controller = new LbController(LbConfig.forNode("node-1"), datapath);
 *     controller.follow(source);
 *     source.start(Duration.ofSeconds(5));
 * }
 * }
 */
public final class LbController {
    private static final System.Logger LOG = System.getLogger(LbController.class.getName());

    /**
     * What one sync did.
     *
     * @param generation the snapshot generation synced
     * @param plan       the plan applied (empty when nothing changed)
     * @param elapsed    time from the snapshot to the last map write
     */
    public record SyncResult(long generation, UpdatePlan plan, Duration elapsed) {
    }

    private final LbConfig config;
    private final LbDatapath datapath;
    private final LbPlanner planner;
    private final DesiredState.Incremental desired;
    private final AtomicReference<SyncResult> last = new AtomicReference<>();

    /** A controller for freshly created (empty) maps. */
    public LbController(LbConfig config, LbDatapath datapath) {
        this(config, datapath, LbState.EMPTY);
    }

    /** A controller for maps that already hold {@code applied} (such as maps pinned by a previous agent run). */
    public LbController(LbConfig config, LbDatapath datapath, LbState applied) {
        this.config = Objects.requireNonNull(config, "config");
        this.datapath = Objects.requireNonNull(datapath, "datapath");
        this.planner = new LbPlanner(config, applied);
        this.desired = new DesiredState.Incremental(config);
    }

    /** Syncs on every snapshot the source announces; failures are logged and retried with the next snapshot. */
    public void follow(ClusterSource source) {
        source.addListener(snapshot -> {
            try {
                sync(snapshot);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "LB sync of generation " + snapshot.generation() + " failed", e);
            }
        });
    }

    /** Brings the datapath to the state of {@code snapshot}. */
    public synchronized SyncResult sync(ClusterSnapshot snapshot) {
        long start = System.nanoTime();
        UpdatePlan plan = planner.plan(desired.compute(snapshot));
        if (!plan.isEmpty()) datapath.apply(plan);
        planner.commit(plan);
        SyncResult r = new SyncResult(snapshot.generation(), plan, Duration.ofNanos(System.nanoTime() - start));
        last.set(r);
        return r;
    }

    /** The state the datapath holds after the last successful sync. */
    public synchronized LbState applied() {
        return planner.applied();
    }

    /** The last successful sync, or null before the first. */
    public SyncResult lastSync() {
        return last.get();
    }
}
