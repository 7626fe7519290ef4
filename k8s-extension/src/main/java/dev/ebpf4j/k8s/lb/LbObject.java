package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The load balancer's BPF object, {@code lb_datapath.bpf.o} from the ebpf4j-bpf-objects jar: the cgroup socket
 * programs for ClusterIP traffic and the tcx programs for NodePort/external traffic, sharing one set of maps.
 *
 * {@snippet :
 * BpfObjectSpec spec = LbObject.open();
 * LbObject.NODE_PORT_PROGRAMS.forEach(p -> spec.autoload(p, false)); // socket LB only
 * try (BpfObject obj = spec.load()) {
 *     // attach LbObject.SOCKET_PROGRAMS to a cgroup
 * }
 * }
 * Requirements: Linux 5.10+ with BTF; CAP_BPF and CAP_NET_ADMIN to load and attach.
 */
public final class LbObject {
    /** The object's name in the bpf-objects jar. */
    public static final String NAME = "lb_datapath";
    private static final String RESOURCE = "/dev/ebpf4j/bpf/" + NAME + ".bpf.o";
    /** The cgroup sock_addr programs, each named after its hook: attach all of them to the pods' cgroup. */
    public static final List<String> SOCKET_PROGRAMS = List.of("lb_connect4", "lb_sendmsg4", "lb_recvmsg4",
            "lb_getpeername4", "lb_connect6", "lb_sendmsg6", "lb_recvmsg6", "lb_getpeername6");
    /** tcx ingress of the node's external interface: DNAT of NodePort / external-IP / load-balancer-IP traffic. */
    public static final String NODE_PORT_INGRESS = "lb_nodeport_ingress";
    /** tcx egress of the same interface: reverse translation of the replies. */
    public static final String NODE_PORT_REPLY = "lb_nodeport_reply";
    /** Both tcx programs. */
    public static final List<String> NODE_PORT_PROGRAMS = List.of(NODE_PORT_INGRESS, NODE_PORT_REPLY);
    /**
     * XDP of the same interface, loaded only with a {@link NodePortAcceleration}: the DNAT of flows to local backends
     * before tcx, in the same conntrack; what it cannot do it passes to {@link #NODE_PORT_INGRESS} untouched.
     */
    public static final String NODE_PORT_XDP = "lb_nodeport_xdp";
    /**
     * Per-CPU array of NodePort packet counts: slot 0 DNATed at tcx, 1 DNATed at XDP, 2 frontend packets XDP left to
     * tcx (remote backends, no backend).
     */
    public static final String NODE_PORT_STATS_MAP = "lb_nodeport_stats";
    /**
     * Ring buffer of flow events in the common format of {@code observe_event.h}: Service translations (VIP to
     * backend) and refusals for lack of a backend; read it with {@code DatapathObserver.addRing}.
     */
    public static final String EVENTS_MAP = "lb_events";
    /** Per-CPU count (slot 0) of flow events lost because {@link #EVENTS_MAP} was full; connections go on. */
    public static final String EVENTS_LOST_MAP = "lb_events_lost";
    /** {@code .rodata} bool, default true: set it false with {@code spec.constant(FLOW_EVENTS, false)} to report nothing. */
    public static final String FLOW_EVENTS = "lb_flow_events";

    /** {@code .rodata} IPv4 address (network order) that remote NodePort backends are SNATed to; 0: no SNAT. */
    public static final String SNAT_ADDRESS = "lb_snat_ip4";
    /** {@code .rodata} bool: remote NodePort backends by DSR instead of SNAT. */
    public static final String DSR = "lb_dsr";
    /** LRU map of NodePort flows: forward (client to frontend) and reply (backend to client) entries. */
    public static final String CONNTRACK_MAP = "lb_ct";
    /** {@code .rodata} u64 nanoseconds: established TCP lifetime; likewise {@code lb_ct_tcp_syn_ns} and the others. */
    public static final String CT_TCP_NS = "lb_ct_tcp_ns";
    /** .rodata: the cookie of the node's network namespace, where a connect to 127.0.0.1:NodePort is load-balanced. */
    public static final String HOST_NETNS_COOKIE = "lb_host_netns_cookie";

    /** LRU map of SNATed flows, keyed by the reply (backend to this node's NAT port). */
    public static final String SNAT_MAP = "lb_snat";

    private LbObject() {
    }

    /**
     * Sets what {@code config} decides before load: the NodePort programs' autoload (the XDP one only with a
     * {@link NodePortAcceleration}), how they reach remote backends ({@link NodePortMode}), their conntrack lifetimes,
     * and with NodePorts the calling thread's network namespace as the node's (loopback NodePorts are load-balanced
     * there only).
     */
    public static BpfObjectSpec configure(BpfObjectSpec spec, LbConfig config) {
        spec.autoload(NODE_PORT_XDP, config.acceleration().xdp());
        if (!config.nodePorts()) {
            NODE_PORT_PROGRAMS.forEach(p -> spec.autoload(p, false));
            return spec;
        }
        spec.constant(DSR, config.nodePortMode() == NodePortMode.DSR);
        byte[] address = config.nodePortMode() == NodePortMode.SNAT && config.nodeAddress().isPresent()
                ? config.nodeAddress().get().getAddress() : new byte[4];
        spec.constant(SNAT_ADDRESS, address);
        var ct = config.conntrack();
        spec.constant(CT_TCP_NS, ct.tcpEstablished().toNanos());
        spec.constant("lb_ct_tcp_syn_ns", ct.tcpSyn().toNanos());
        spec.constant("lb_ct_tcp_closing_ns", ct.tcpClosing().toNanos());
        spec.constant("lb_ct_other_ns", ct.other().toNanos());
        spec.constant("lb_ct_refresh_ns", ct.refresh().toNanos());
        // Loopback NodePorts are the node's own: the namespace that loads the datapath is taken for the node's.
        spec.constant(HOST_NETNS_COOKIE, hostNetnsCookie());
        return spec;
    }

    // SO_NETNS_COOKIE is Linux 5.14+: on older kernels loopback NodePorts stay off (the node's addresses still work).
    private static long hostNetnsCookie() {
        try {
            return dev.ebpf4j.programs.net.NetworkNamespaces.cookie();
        } catch (dev.ebpf4j.core.BpfException e) {
            System.getLogger(LbObject.class.getName()).log(System.Logger.Level.WARNING,
                    "no network namespace cookie (" + e.getMessage() + "): 127.0.0.1:NodePort is not load-balanced");
            return 0;
        }
    }

    /** Opens the object from the bpf-objects jar, ready to adjust (autoload, max entries, pin paths) and load. */
    public static BpfObjectSpec open() {
        // Read as a resource of the bpf-objects module's (open) package, whether or not BpfObjects lists the name.
        try (InputStream in = BpfObjects.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the ebpf4j-bpf-objects jar;"
                        + " rebuild it with the ebpf4j Maven plugin (mvn -pl bpf-src package)");
            }
            return BpfObject.open(in.readAllBytes(), NAME);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
