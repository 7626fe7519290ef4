package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.k8s.conntrack.ConntrackGc;
import dev.ebpf4j.k8s.lb.KernelLbDatapath;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.k8s.lb.LbState;
import dev.ebpf4j.k8s.lb.Selection;
import dev.ebpf4j.k8s.source.ClusterSource;
import dev.ebpf4j.k8s.source.InformerSource;
import dev.ebpf4j.k8s.source.ManifestDirectorySource;
import dev.ebpf4j.programs.BpfLink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node agent: loads the socket load balancer, keeps its maps and links pinned under a bpffs directory so the
 * datapath outlives the agent process, and on start re-adopts whatever an earlier run pinned: the maps are reused
 * (libbpf's pin reuse, after {@link PinLayout} checked them), their content becomes the state the controller plans
 * from, and each pinned link is switched to the freshly loaded program with an atomic link update, so there is never
 * a moment without a program attached and never a second link. Pins of an older map layout are migrated
 * ({@link DatapathInstall}); one agent runs per pin directory ({@link InstanceLock}). {@link #uninstall(Path)} removes
 * the pins, which detaches.
 *
 * {@snippet :
 * try (Agent agent = Agent.start(Path.of("/sys/fs/bpf/ebpf4j"), LbConfig.forNode("node-1"), Path.of("/sys/fs/cgroup/kubepods"));
 *      ManifestDirectorySource source = new ManifestDirectorySource(Path.of("manifests"))) {
 *     agent.controller().follow(source);
 *     source.start(Duration.ofSeconds(10));
 * }   // closing leaves the datapath running
 * }
 * Requirements: Linux 5.10+ with BTF, cgroup v2, bpffs mounted at (or above) the pin directory; CAP_BPF and
 * CAP_NET_ADMIN (the DaemonSet's set, BPF + NET_ADMIN + PERFMON, was measured to start it; CAP_SYS_ADMIN is not needed).
 */
public final class Agent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Agent.class.getName());

    /**
     * How the start went.
     *
     * @param adoptedMaps     maps reused from pins
     * @param migratedMaps    maps whose pins were migrated to a changed definition
     * @param adoptedServices service entries found in the adopted maps
     * @param adoptedLinks    pinned links switched to the new programs
     * @param createdLinks    links attached and pinned anew
     * @param elapsed         time from start to attached
     */
    public record StartReport(int adoptedMaps, int migratedMaps, int adoptedServices, int adoptedLinks, int createdLinks,
                              Duration elapsed) {
    }

    private final InstanceLock lock;
    private final BpfObject object;
    private final KernelLbDatapath datapath;
    private final LbController controller;
    private final List<BpfLink> links;
    private final ConntrackGc conntrack;
    private final dev.ebpf4j.k8s.lb.NodePortAcceleration acceleration;
    private StartReport report;
    private boolean closed;

    private Agent(InstanceLock lock, BpfObject object, List<BpfLink> links, LbConfig config, LbState adopted) {
        this.lock = lock;
        this.object = object;
        this.links = new ArrayList<>(links);
        this.datapath = KernelLbDatapath.of(object);
        this.controller = new LbController(config, datapath, adopted);
        this.acceleration = config.acceleration();
        // NodePort flows age out in the datapath; the sweep frees their entries before LRU eviction has to.
        this.conntrack = config.nodePorts()
                ? ConntrackGc.forLoadBalancer(object, config.conntrack()).start(config.conntrack().gcInterval()) : null;
        // NodePorts on the node's own addresses, from the node and its pods, go through the socket programs too.
        if (config.nodePorts()) dev.ebpf4j.k8s.lb.NodeAddresses.replace(object, dev.ebpf4j.k8s.lb.NodeAddresses.ofThisNamespace());
    }

    /**
     * Loads (or re-adopts) the datapath and attaches it to {@code cgroup}.
     *
     * @throws IllegalStateException when a pinned map cannot be adopted or migrated (the message names the difference)
     */
    public static Agent start(Path pinDir, LbConfig config, Path cgroup) {
        return start(pinDir, config, cgroup, Map.of());
    }

    /**
     * Like {@link #start(Path, LbConfig, Path)}, with map sizes other than the object's ({@code lb_backends} →
     * 131072, say). Pinned maps of another size are migrated: new map, entries copied, links switched, pin replaced.
     *
     * @throws IllegalStateException when a pinned map cannot be adopted or migrated (the message names the difference)
     */
    public static Agent start(Path pinDir, LbConfig config, Path cgroup, Map<String, Integer> maxEntries) {
        return start(pinDir, config, cgroup, maxEntries, DatapathRelease.CURRENT);
    }

    /**
     * Starts {@code release}'s datapath: pins of an older layout are migrated with its converters ({@link DatapathInstall}).
     *
     * @throws IllegalStateException when another agent runs on {@code pinDir} (naming its pid), or a pinned map cannot
     *                               be adopted or migrated (naming the map, both layouts and the difference)
     */
    static Agent start(Path pinDir, LbConfig config, Path cgroup, Map<String, Integer> maxEntries, DatapathRelease release) {
        long t0 = System.nanoTime();
        PinLayout.requireBpffs(pinDir);
        InstanceLock lock = InstanceLock.acquire(pinDir);
        DatapathInstall.Result installed;
        try {
            PinLayout layout = PinLayout.open(pinDir, release.layoutVersion());
            BpfObjectSpec spec = release.object().get();
            try {
                LbObject.configure(spec, config);
                maxEntries.forEach(spec::maxEntries);
            } catch (RuntimeException e) {
                spec.close();
                throw e;
            }
            installed = DatapathInstall.run(layout, spec, release.migrations(), cgroup);
        } catch (RuntimeException | Error e) {
            lock.close();
            throw e;
        }
        Agent agent = null;
        try {
            MigrationPlan plan = installed.plan();
            // Read the maps only now: a migration copied the old content into the new maps.
            boolean empty = plan.steps().stream().allMatch(st -> st.action() == MigrationPlan.Action.CREATE);
            KernelLbDatapath reader = KernelLbDatapath.of(installed.object());
            LbState adopted;
            try {
                adopted = empty ? LbState.EMPTY : reader.adopt();
            } finally {
                reader.close();
            }
            agent = new Agent(lock, installed.object(), installed.links(), config, adopted);
            int migrated = (int) plan.steps().stream().filter(MigrationPlan.MapStep::replaces).count();
            agent.report = new StartReport(plan.maps(MigrationPlan.Action.ADOPT).size(), migrated, adopted.services().size(),
                    installed.adoptedLinks(), installed.createdLinks(), Duration.ofNanos(System.nanoTime() - t0));
            return agent;
        } catch (RuntimeException | Error e) {
            if (agent != null) {
                agent.close();
            } else {
                installed.links().forEach(BpfLink::close);
                installed.object().close();
                lock.close();
            }
            throw e;
        }
    }

    /**
     * Waits until the controller has applied the source's current snapshot (sources announce snapshots on their own
     * thread, so a started source is not yet a synced datapath).
     *
     * @return whether it did within the timeout
     */
    public boolean awaitSynced(ClusterSource source, Duration timeout) throws InterruptedException {
        long generation = source.snapshot().generation();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (controller.lastSync() == null || controller.lastSync().generation() < generation) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * Attaches (or re-adopts) the NodePort programs on {@code devices} of the calling thread's network namespace,
     * pinned under {@code pinDir}; pinned links of devices not listed are detached.
     *
     * @throws IllegalStateException when the agent was started with an {@link LbConfig} without node ports
     */
    public synchronized void attachNodePorts(Path pinDir, List<String> devices) {
        if (closed) throw new IllegalStateException("agent is closed");
        if (!object.program(LbObject.NODE_PORT_INGRESS).isLoaded()) {
            throw new IllegalStateException("started without the NodePort programs: use an LbConfig with nodePorts = true");
        }
        links.addAll(NodePortLinks.attach(object, pinDir, devices, acceleration));
    }

    /** The control loop over the (adopted) maps. */
    public LbController controller() {
        return controller;
    }

    /** The sweep of the NodePort conntrack (lb_ct, lb_snat), when NodePorts are enabled. */
    public java.util.Optional<ConntrackGc> conntrack() {
        return java.util.Optional.ofNullable(conntrack);
    }

    /** What the start did. */
    public StartReport report() {
        return report;
    }

    /** The loaded object (for its maps and programs). */
    public BpfObject object() {
        return object;
    }

    /** Whether this process still holds the datapath object (not yet {@link #close() closed}). */
    synchronized boolean isOpen() {
        return !closed;
    }

    /**
     * Detaches and removes every pin under {@code pinDir}; a no-op when there is nothing.
     *
     * @throws IllegalStateException when an agent runs on {@code pinDir} (naming its pid): stop it first
     */
    public static void uninstall(Path pinDir) {
        if (!Files.exists(pinDir)) return;
        try (InstanceLock lock = InstanceLock.acquire(pinDir)) {
            PinLayout.removeAll(pinDir);
        }
    }

    /** Closes this process's fds; the pinned datapath keeps running. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (conntrack != null) conntrack.close();
            for (BpfLink l : links) l.close();
            links.clear();
            datapath.close();
            object.close();
        } finally {
            lock.close();
        }
    }

    /** Runs the agent until killed; see {@link AgentOptions} for the arguments. */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(AgentOptions.USAGE);
            return;
        }
        AgentOptions options;
        try {
            options = AgentOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.uninstall()) {
            uninstall(options.pinDir());
            System.out.println("uninstalled " + options.pinDir());
            return;
        }
        NodePortOptions nodePort = options.nodePort();
        LbConfig config = new LbConfig(options.node(), Selection.RANDOM, nodePort.enabled()).withConntrack(options.conntrack());
        if (options.zone().isPresent()) config = config.withZone(options.zone().get());
        config = options.loadBalancing().applyTo(config);
        if (nodePort.enabled()) {
            config = config.withNodePortMode(nodePort.mode(), nodePort.resolveNodeIp())
                    .withNodePortAcceleration(nodePort.acceleration())
                    .withNodeAddresses(dev.ebpf4j.k8s.lb.NodeAddresses.ofThisNamespace()); // pods' host ports
        }
        AtomicReference<Agent> running = new AtomicReference<>();
        AtomicReference<AgentStatus> status = new AtomicReference<>();
        // Serving before the load lets the readiness probe say 503 (not refused) while the datapath loads.
        HealthServer health = options.healthPort().isPresent()
                ? HealthServer.start(options.healthPort().getAsInt(), () -> running.get() != null && running.get().isOpen(),
                        () -> status.get() == null ? java.util.Optional.of("datapath loading") : status.get().notReady(),
                        () -> status.get() == null ? "" : status.get().metrics())
                : null;
        if (health != null) System.out.println("health on 127.0.0.1:" + health.port());
        Agent agent;
        try {
            agent = start(options.pinDir(), config, options.cgroup().orElseThrow(), options.maxEntries());
        } catch (RuntimeException | Error e) {
            if (health != null) health.close();   // its dispatcher thread would keep the failed JVM alive
            if (e instanceof IllegalStateException) {
                // Refusals (another agent running, pins that cannot be migrated) say what to do: no stack trace.
                System.err.println("agent: " + e.getMessage());
                System.exit(1);
            }
            throw e;
        }
        running.set(agent);
        HealthCheckNodePorts healthChecks = null;
        if (nodePort.enabled()) {
            try {
                agent.attachNodePorts(options.pinDir(), nodePort.devices());
                healthChecks = new HealthCheckNodePorts(options.node());
            } catch (RuntimeException | Error e) {
                agent.close();
                if (health != null) health.close();
                throw e;
            }
        }
        PolicyAgent policy;
        AgentFlows flows = null;
        try {
            if (options.flows().enabled()) flows = AgentFlows.start(agent, options);
            policy = options.policy().enabled() ? PolicyAgent.start(options) : null;
        } catch (RuntimeException | Error e) {
            if (flows != null) flows.close();
            agent.close();
            if (health != null) health.close();
            throw e;
        }
        ClusterSource source = options.manifests().isPresent()
                ? new ManifestDirectorySource(options.manifests().get(), options.serviceProxyName())
                : informers(options);
        CountDownLatch stop = new CountDownLatch(1);
        HealthCheckNodePorts healthChecksRef = healthChecks;
        AgentFlows flowsRef = flows;
        if (healthChecks != null) source.addDeltaListener(healthChecks::update);
        AgentStatus agentStatus = new AgentStatus(agent.controller(), source,
                policy == null ? java.util.Map::of : policy::rejected);
        List<ConntrackGc> sweeps = new ArrayList<>();
        agent.conntrack().ifPresent(sweeps::add);
        if (policy != null) sweeps.add(policy.conntrack());
        agentStatus.conntrack(sweeps);
        status.set(agentStatus);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (agentStatus; source; flowsRef; agent; policy; healthChecksRef) {
                if (health != null) health.close();
                stop.countDown();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "shutdown", e);
            }
        }));
        agent.controller().follow(source);
        source.start(Duration.ofSeconds(30));
        boolean synced = agent.awaitSynced(source, Duration.ofSeconds(30));
        if (policy != null) synced &= policy.startAndSync(Duration.ofSeconds(30));
        if (synced) {
            agentStatus.synced(true);
        } else {
            LOG.log(System.Logger.Level.WARNING, "first sync not done after 30 s; serving the adopted state meanwhile");
        }
        System.out.println("ready " + agent.report());
        // Readiness means the cluster's state is applied, not merely that the adopted one is served.
        while (!synced && stop.getCount() > 0) {
            synced = agent.awaitSynced(source, Duration.ofSeconds(30))
                    && (policy == null || policy.awaitSynced(Duration.ofSeconds(30)));
        }
        agentStatus.synced(synced);
        stop.await();
    }

    /** The API server source: this node's host ports come with the node-port datapath that serves them. */
    private static InformerSource informers(AgentOptions options) {
        InformerSource source = InformerSource.connect();
        if (!options.serviceProxyName().isEmpty()) source.serviceProxyName(options.serviceProxyName());
        if (options.nodePort().enabled()) source.hostPortsOf(options.node());
        return source;
    }
}
