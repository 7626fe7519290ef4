package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.k8s.internal.Netns;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.source.PolicySnapshot;
import dev.ebpf4j.k8s.source.PolicySource;
import dev.ebpf4j.programs.TcProgram;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * NetworkPolicy enforcement on one node: loads {@code policy.bpf.o} from the bpf-objects jar, keeps its maps in
 * step with a {@link PolicySource} through a {@link NodePolicyUpdater}, and attaches its programs with tcx to the
 * node-side interface of every local pod ({@link PodInterfaces}; by default the node's host route to the pod).
 *
 * <p>All kernel work runs on one enforcer thread (inside {@link PolicyEnforcerConfig#networkNamespace()} when set):
 * each sync compiles the snapshot, writes the map difference, publishes a new revision, then attaches to new pods'
 * interfaces and detaches from vanished ones. Map writes come before attaching, so a pod's first guarded packet
 * already meets its policy. Changes arriving during a sync are coalesced into the next one; every
 * {@link PolicyEnforcerConfig#resync()} the interfaces are looked up again.
 *
 * <p>With a pin directory the maps live at {@code <dir>/policy-v1/maps/<map name>} and the links at
 * {@code <dir>/policy-v1/links/}: closing leaves enforcement running, and the next start re-adopts both (the maps'
 * content is overwritten with the new state and what the old process left behind is then removed; pinned links are
 * switched to the new programs atomically).
 *
 * {@snippet :
 * try (PolicyEnforcer enforcer = PolicyEnforcer.start(PolicyEnforcerConfig.forNode("node-1")
 *              .withPinDirectory(Path.of("/sys/fs/bpf/ebpf4j")));
 *      PolicyInformerSource source = PolicyInformerSource.connect()) {
 *     enforcer.follow(source);
 *     source.start(Duration.ofSeconds(30));
 *     enforcer.awaitSynced(source, Duration.ofSeconds(30));
 *     System.out.println(enforcer.lastSync().interfaces());   // {prod/api-0=lxc1a2b, ...}
 * }
 * }
 * Requirements: Linux 6.6+ (tcx) with BTF; CAP_BPF and CAP_NET_ADMIN (CAP_SYS_ADMIN to enter another network
 * namespace); bpffs mounted at or above the pin directory.
 */
public final class PolicyEnforcer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PolicyEnforcer.class.getName());

    /**
     * How the start went.
     *
     * @param adoptedMaps     maps reused from their pins
     * @param adoptedRevision the policy revision found in the adopted maps (0 for fresh maps); revisions continue above it
     * @param elapsed         time to load
     */
    public record StartReport(List<String> adoptedMaps, int adoptedRevision, Duration elapsed) {
    }

    /**
     * What one sync did.
     *
     * @param generation       the snapshot's generation
     * @param writes           the map writes issued (the first sync over adopted maps also removed {@code swept} stale entries)
     * @param swept            stale entries removed from adopted maps
     * @param revision         the policy revision published
     * @param interfaces       each local pod guarded now ({@code namespace/name}) to its interface
     * @param withoutInterface local pods with addresses whose interface was not found (not enforced)
     * @param linksAdopted     links taken over from pins so far
     * @param linksCreated     links attached so far
     */
    public record Sync(long generation, int writes, int swept, int revision, Map<String, String> interfaces,
                       List<String> withoutInterface, int linksAdopted, int linksCreated) {
    }

    private final PolicyEnforcerConfig config;
    private final BpfObject object;
    private final KernelPolicyMaps maps;
    private final NodePolicyUpdater updater;
    private final PodLinks links;
    private final StartReport report;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final AtomicReference<PolicySnapshot> latest = new AtomicReference<>();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Thread thread;
    private volatile Sync lastSync;
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** The last snapshot asked for (applied or not): what a resync applies again. */
    private PolicySnapshot wanted;
    private boolean swept;
    private Set<String> unresolvedLogged = Set.of();

    private PolicyEnforcer(PolicyEnforcerConfig config, BpfObject object, List<String> adopted, long t0) {
        this.config = config;
        this.object = object;
        this.maps = KernelPolicyMaps.of(object);
        int base = adopted.isEmpty() ? 0 : maps.revision();
        this.updater = new NodePolicyUpdater(config.node(), new RevisionOffset(maps, base));
        this.links = new PodLinks(TcProgram.of(object.program("policy_from_pod")),
                TcProgram.of(object.program("policy_to_pod")), config.pinDirectory().map(PolicyPins::open).orElse(null));
        this.swept = adopted.isEmpty();
        this.report = new StartReport(adopted, base, Duration.ofNanos(System.nanoTime() - t0));
        this.thread = Thread.ofPlatform().daemon().name("ebpf4j-policy-enforcer").unstarted(this::loop);
    }

    /**
     * Loads (or re-adopts) the policy datapath and starts the enforcer thread. Nothing is attached until the first
     * {@link #sync} or a followed source's first snapshot.
     *
     * @param config the node's settings
     * @return the running enforcer
     * @throws IllegalStateException if a pinned map does not match the object, or the namespace cannot be entered
     */
    public static PolicyEnforcer start(PolicyEnforcerConfig config) {
        long t0 = System.nanoTime();
        BpfObjectSpec spec = BpfObjects.open(BpfObjects.POLICY);
        List<String> adopted;
        try {
            KernelPolicyMaps.configureConntrack(spec, config.conntrack());
            adopted = config.pinDirectory().map(d -> PolicyPins.open(d).prepare(spec)).orElse(List.of());
        } catch (RuntimeException e) {
            spec.close();
            throw e;
        }
        BpfObject object = spec.load();
        PolicyEnforcer enforcer;
        try {
            enforcer = new PolicyEnforcer(config, object, adopted, t0);
        } catch (RuntimeException | Error e) {
            object.close();
            throw e;
        }
        CompletableFuture<Void> entered = new CompletableFuture<>();
        enforcer.tasks.add(() -> {
            try {
                config.networkNamespace().ifPresent(Netns::enter);
                entered.complete(null);
            } catch (RuntimeException e) {
                entered.completeExceptionally(e);
                enforcer.closed = true;
            }
        });
        enforcer.thread.start();
        try {
            entered.get();
        } catch (ExecutionException | InterruptedException e) {
            enforcer.close();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("cannot enter network namespace " + config.networkNamespace().orElseThrow()
                    + ": " + e.getCause(), e.getCause());
        }
        return enforcer;
    }

    /**
     * Applies every snapshot the source announces from now on (coalesced: a burst of changes is one sync).
     *
     * @param source the source; register before starting it to apply its initial snapshot
     */
    public void follow(PolicySource source) {
        source.addListener(snapshot -> {
            latest.set(snapshot);
            if (queued.compareAndSet(false, true)) {
                tasks.add(() -> {
                    queued.set(false);
                    PolicySnapshot next = latest.get();
                    try {
                        apply(next);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "policy sync of generation " + next.generation()
                                + " failed; retrying at the next change or resync", e);
                    }
                });
            }
        });
    }

    /**
     * Applies one snapshot now, on the enforcer thread, and waits for it.
     *
     * @param snapshot the state to enforce
     * @return what the sync did
     */
    public Sync sync(PolicySnapshot snapshot) {
        CompletableFuture<Sync> done = new CompletableFuture<>();
        if (closed) throw new IllegalStateException("enforcer is closed");
        tasks.add(() -> {
            try {
                done.complete(apply(snapshot));
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        });
        try {
            while (true) {
                try {
                    return done.get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    if (!thread.isAlive()) throw new IllegalStateException("enforcer closed before the sync ran");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while syncing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Waits until the source's current snapshot has been applied (sources announce on their own thread).
     *
     * @param source  the followed source
     * @param timeout how long to wait
     * @return whether it was applied in time
     * @throws InterruptedException if interrupted
     */
    public boolean awaitSynced(PolicySource source, Duration timeout) throws InterruptedException {
        long generation = source.snapshot().generation();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lastSync == null || lastSync.generation() < generation) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    private Sync apply(PolicySnapshot snapshot) {
        wanted = snapshot;
        ClusterState given = snapshot.state();
        List<InetAddress> host = config.hostAddresses().orElseGet(RouteTable::localAddresses);
        ClusterState state = new ClusterState(given.namespaces(), given.pods(), given.policies(),
                Map.of(config.node(), host));
        NodePolicyUpdater.Result result = updater.apply(state);
        int removed = 0;
        if (!swept) {
            removed = maps.retainOnly(updater.current());
            swept = true;
        }
        List<Pod> local = state.pods().stream().filter(p -> p.node().equals(config.node()) && !p.ips().isEmpty()).toList();
        Map<String, String> found = config.interfaces().resolve(local);
        Set<String> guarded = links.reconcile(new LinkedHashSet<>(found.values()));
        Map<String, String> interfaces = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Pod p : local) {
            String dev = found.get(p.key());
            if (dev != null && guarded.contains(dev)) interfaces.put(p.key(), dev);
            else missing.add(p.key());
        }
        if (!Set.copyOf(missing).equals(unresolvedLogged) && !missing.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "local pods without a guarded interface (not enforced): " + missing);
        }
        unresolvedLogged = Set.copyOf(missing);
        Sync s = new Sync(snapshot.generation(), result.writes(), removed, result.revision() + report.adoptedRevision(),
                Map.copyOf(interfaces), List.copyOf(missing), links.adopted(), links.created());
        lastSync = s;
        return s;
    }

    private void loop() {
        long period = config.resync().toMillis();
        try {
            while (!closed) {
                Runnable task = tasks.poll(period, TimeUnit.MILLISECONDS);
                if (task != null) {
                    task.run();
                } else if (wanted != null) {
                    try {
                        apply(wanted);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "policy resync failed", e);
                    }
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** @return the last sync's outcome, or null before the first */
    public Sync lastSync() {
        return lastSync;
    }

    /** @return what the start did */
    public StartReport report() {
        return report;
    }

    /** @return the loaded object (its programs and maps) */
    public BpfObject object() {
        return object;
    }

    /**
     * @param reason a drop reason, or {@link DropReason#NONE} for allowed new connections
     * @return the datapath's count, summed over CPUs
     */
    public long counter(DropReason reason) {
        return maps.counter(reason);
    }

    /**
     * Stops following and closes this process's fds. With a pin directory enforcement keeps running on the pinned
     * maps and links; without one the programs are detached. Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) return;
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        links.close();
        maps.close();
        object.close();
    }
}
