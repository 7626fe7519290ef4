package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.programs.CgroupSockAddrProgram;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcProgram;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's Service load balancer in one object: the {@link LbObject} loaded, a {@link KernelLbDatapath} over its
 * maps, an {@link LbController} driving it, and the links that attach it. Closing it detaches everything and
 * frees the maps. Not thread-safe for attach/close; {@link #controller()} is thread-safe.
 *
 * {@snippet :
 * try (LoadBalancer lb = LoadBalancer.load(LbConfig.forNode("node-1"));
 *      InformerSource source = InformerSource.connect()) {
 *     lb.attachCgroup(Path.of("/sys/fs/cgroup/kubepods"));   // ClusterIP for every pod below
 *     lb.attachNodePort("eth0");                              // NodePort / external IPs on this interface
 *     lb.controller().follow(source);
 *     source.start(Duration.ofSeconds(30));
 *     ...
 * }
 * }
 * Requirements: Linux 5.10+ with BTF and cgroup v2 for the socket hooks (5.18 for ECONNREFUSED on refusal),
 * 6.6+ for tcx; CAP_BPF, CAP_NET_ADMIN (and CAP_SYS_ADMIN for cgroup attach on some kernels).
 */
public final class LoadBalancer implements AutoCloseable {
    private final BpfObject object;
    private final KernelLbDatapath datapath;
    private final LbController controller;
    private final NodePortAcceleration acceleration;
    private final List<Link> links = new ArrayList<>();
    private boolean closed;

    private LoadBalancer(BpfObject object, LbConfig config) {
        this.object = object;
        this.datapath = KernelLbDatapath.of(object);
        this.controller = new LbController(config, datapath);
        this.acceleration = config.acceleration();
    }

    /** Loads the socket and, when {@code config.nodePorts()} is on, the TC programs. */
    public static LoadBalancer load(LbConfig config) {
        BpfObject object;
        try (BpfObjectSpec spec = LbObject.open()) {
            object = LbObject.configure(spec, config).load();
        }
        try {
            return new LoadBalancer(object, config);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** The controller to sync snapshots with, or to follow a source. */
    public LbController controller() {
        return controller;
    }

    /** The loaded object (its maps, for inspection). */
    public BpfObject object() {
        return object;
    }

    /** Attaches the eight socket programs to a cgroup v2 directory: its processes get ClusterIP load balancing. */
    public synchronized void attachCgroup(Path cgroup) {
        checkOpen();
        for (String p : LbObject.SOCKET_PROGRAMS) links.add(CgroupSockAddrProgram.of(object.program(p)).attach(cgroup));
    }

    /**
     * Attaches the NodePort programs to an interface of the calling thread's network namespace: DNAT at its tcx
     * ingress, reverse translation at its tcx egress, and with a {@link NodePortAcceleration} the XDP program in
     * front of them ({@link NodePortXdp#attach}).
     *
     * @throws IllegalStateException when the load balancer was loaded without node ports
     */
    public synchronized void attachNodePort(String ifname) {
        checkOpen();
        if (!object.program(LbObject.NODE_PORT_INGRESS).isLoaded()) {
            throw new IllegalStateException("loaded without the TC programs: use an LbConfig with nodePorts = true");
        }
        links.add(TcProgram.of(object.program(LbObject.NODE_PORT_INGRESS)).attach(ifname, TcDirection.INGRESS));
        links.add(TcProgram.of(object.program(LbObject.NODE_PORT_REPLY)).attach(ifname, TcDirection.EGRESS));
        if (acceleration.xdp()) links.add(NodePortXdp.attach(object, ifname, acceleration));
    }

    /**
     * Sets the node's own addresses ({@link NodeAddresses}): connects from the node and its pods to one of them on a
     * NodePort are load-balanced at the socket, like connects to 127.0.0.1:NodePort in the namespace that loaded this.
     */
    public synchronized void nodeAddresses(java.util.Collection<java.net.InetAddress> addresses) {
        checkOpen();
        NodeAddresses.replace(object, addresses);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("load balancer is closed");
    }

    /** Detaches every link, then frees the datapath and the object. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        RuntimeException failure = null;
        for (Link l : links.reversed()) {
            try {
                l.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        links.clear();
        datapath.close();
        object.close();
        if (failure != null) throw failure;
    }
}
