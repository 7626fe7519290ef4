package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
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
import dev.ebpf4j.programs.CgroupSockAddrProgram;
import dev.ebpf4j.programs.Link;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node agent: loads the socket load balancer, keeps its maps and links pinned under a bpffs directory so the
 * datapath outlives the agent process, and on start re-adopts whatever an earlier run pinned: the maps are reused
 * (libbpf's pin reuse, after {@link PinLayout} checked them), their content becomes the state the controller plans
 * from, and each pinned link is switched to the freshly loaded program with an atomic link update, so there is never
 * a moment without a program attached and never a second link. {@link #uninstall(Path)} removes the pins, which
 * detaches.
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

    private final PinLayout layout;
    private final BpfObject object;
    private final KernelLbDatapath datapath;
    private final LbController controller;
    private final List<BpfLink> links = new ArrayList<>();
    private StartReport report;
    private boolean closed;

    private Agent(PinLayout layout, BpfObject object, LbConfig config, LbState adopted) {
        this.layout = layout;
        this.object = object;
        this.datapath = KernelLbDatapath.of(object);
        this.controller = new LbController(config, datapath, adopted);
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
        long t0 = System.nanoTime();
        PinLayout layout = PinLayout.open(pinDir);
        BpfObjectSpec spec = LbObject.open();
        LbObject.NODE_PORT_PROGRAMS.forEach(p -> spec.autoload(p, false));
        try {
            maxEntries.forEach(spec::maxEntries);
        } catch (RuntimeException e) {
            spec.close();
            throw e;
        }
        PinLayout.Plan plan;
        try {
            plan = layout.prepare(spec);
        } catch (RuntimeException e) {
            spec.close();
            throw e;
        }
        BpfObject object = spec.load();
        Agent agent = null;
        try {
            int migrated = layout.migrate(plan, object);
            // Read the maps only now: a migration copied the old content into the new maps.
            KernelLbDatapath reader = KernelLbDatapath.of(object);
            LbState adopted;
            try {
                adopted = plan.adopting().isEmpty() && migrated == 0 ? LbState.EMPTY : reader.adopt();
            } finally {
                reader.close();
            }
            agent = new Agent(layout, object, config, adopted);
            int[] counts = agent.attach(cgroup);
            layout.commit(plan, object);
            agent.report = new StartReport(plan.adopting().size(), migrated, adopted.services().size(), counts[0], counts[1],
                    Duration.ofNanos(System.nanoTime() - t0));
            return agent;
        } catch (RuntimeException | Error e) {
            if (agent != null) agent.close(); else object.close();
            throw e;
        }
    }

    /** Adopts or creates the eight socket links on {@code cgroup}; returns {adopted, created}. */
    private int[] attach(Path cgroup) {
        long cgroupId = KernelObjects.cgroupId(cgroup);
        int adopted = 0, created = 0;
        List<Path> wanted = new ArrayList<>();
        List<BpfLink> createdLinks = new ArrayList<>();
        try {
            for (String name : LbObject.SOCKET_PROGRAMS) {
                CgroupSockAddrProgram program = CgroupSockAddrProgram.of(object.program(name));
                Path pin = layout.linkPin(cgroupId, name);
                wanted.add(pin);
                if (Files.exists(pin)) {
                    BpfLink link = Link.openPinned(pin);
                    links.add(link);
                    link.update(program);
                    adopted++;
                } else {
                    Link link = program.attach(cgroup);
                    if (!(link instanceof BpfLink bpfLink)) {
                        link.close();
                        throw new IllegalStateException("the kernel attached " + name + " without a bpf_link (" + link
                                + "): it cannot be pinned, so the datapath would not survive a restart; needs Linux 5.7+");
                    }
                    links.add(bpfLink);
                    bpfLink.pin(pin);
                    createdLinks.add(bpfLink);
                    created++;
                }
            }
        } catch (RuntimeException | Error e) {
            // Links this start pinned would outlive the failure: unpin them so closing detaches them.
            for (BpfLink l : createdLinks) {
                try {
                    l.unpin();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        // Links of another cgroup (an earlier run's --cgroup): unpinning them detaches them.
        layout.removeLinkPinsExcept(Set.copyOf(wanted));
        return new int[] {adopted, created};
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

    /** The control loop over the (adopted) maps. */
    public LbController controller() {
        return controller;
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

    /** Detaches and removes every pin under {@code pinDir}; a no-op when there is nothing. */
    public static void uninstall(Path pinDir) {
        PinLayout.removeAll(pinDir);
    }

    /** Closes this process's fds; the pinned datapath keeps running. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (BpfLink l : links) l.close();
        links.clear();
        datapath.close();
        object.close();
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
        LbConfig config = new LbConfig(options.node(), Selection.RANDOM, false);
        AtomicReference<Agent> running = new AtomicReference<>();
        AtomicBoolean ready = new AtomicBoolean();
        // Serving before the load lets the readiness probe say 503 (not refused) while the datapath loads.
        HealthServer health = options.healthPort().isPresent()
                ? HealthServer.start(options.healthPort().getAsInt(), () -> running.get() != null && running.get().isOpen(), ready::get)
                : null;
        if (health != null) System.out.println("health on 127.0.0.1:" + health.port());
        Agent agent;
        try {
            agent = start(options.pinDir(), config, options.cgroup().orElseThrow(), options.maxEntries());
        } catch (RuntimeException | Error e) {
            if (health != null) health.close();   // its dispatcher thread would keep the failed JVM alive
            throw e;
        }
        running.set(agent);
        PolicyAgent policy;
        try {
            policy = options.policy().enabled() ? PolicyAgent.start(options) : null;
        } catch (RuntimeException | Error e) {
            agent.close();
            if (health != null) health.close();
            throw e;
        }
        ClusterSource source = options.manifests().isPresent()
                ? new ManifestDirectorySource(options.manifests().get()) : InformerSource.connect();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (source; agent; policy) {
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
            ready.set(true);
        } else {
            LOG.log(System.Logger.Level.WARNING, "first sync not done after 30 s; serving the adopted state meanwhile");
        }
        System.out.println("ready " + agent.report());
        // Readiness means the cluster's state is applied, not merely that the adopted one is served.
        while (!synced && stop.getCount() > 0) {
            synced = agent.awaitSynced(source, Duration.ofSeconds(30))
                    && (policy == null || policy.awaitSynced(Duration.ofSeconds(30)));
        }
        ready.set(synced);
        stop.await();
    }
}
