package dev.ebpf4j.bpf;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The BPF objects this jar carries, by name. Each is the resource {@code /dev/ebpf4j/bpf/<name>.bpf.o}, compiled
 * from {@code bpf-src/src/main/bpf/<name>.bpf.c} by the ebpf4j Maven plugin.
 *
 * {@snippet :
 * try (BpfObject obj = BpfObjects.open(BpfObjects.XDP_COUNTER)
 *         .constant("verdict", 1)   // XDP_DROP instead of XDP_PASS
 *         .load()) {
 *     obj.program("xdp_count");
 * }
 * }
 *
 * <p>Thread-safe: every call reads the resource afresh and returns a new, independent spec.
 */
public final class BpfObjects {
    /**
     * The XDP packet counter: program {@code xdp_count} (section {@code xdp}) counts packets and bytes per CPU in
     * the {@code PERCPU_ARRAY} map {@code counters} (key {@code __u32} slot, value {@code struct xdp_counter_value
     * {__u64 packets; __u64 bytes;}}, 16 bytes), one slot per {@code enum xdp_counter_slot}: 0 all packets, 1 TCP,
     * 2 UDP, 3 ICMP and ICMPv6, 4 any other or non-IP packet. It returns the {@code .rodata} constant
     * {@code verdict} ({@code enum xdp_action}, {@code XDP_PASS} = 2 unless set before load; 1 = {@code XDP_DROP}).
     * The plugin generates {@link XdpCounterValue} (the value record), {@link XdpCounterSlot} (slot numbers) and
     * {@link XdpAction} (verdicts) from the object's BTF.
     */
    public static final String XDP_COUNTER = "xdp_counter";

    /** The class-path resource of the XDP counter: {@value}. */
    public static final String XDP_COUNTER_RESOURCE = "/dev/ebpf4j/bpf/xdp_counter.bpf.o";

    /**
     * TCP lifecycle events: tracepoint programs {@code observe_tcp_state} ({@code sock:inet_sock_set_state}) and
     * {@code observe_tcp_retransmit} ({@code tcp:tcp_retransmit_skb}) writing {@code struct observe_event} records
     * (see {@code observe_event.h}) to the ring buffer {@code observe_events}; reservation failures are counted in the
     * per-CPU array {@code observe_lost}.
     */
    public static final String OBSERVE_TCP = "observe_tcp";

    /**
     * L7 capture on pod interfaces: tcx programs {@code observe_l7_ingress}/{@code observe_l7_egress} copying the first
     * bytes of HTTP/1.x-looking TCP payloads and UDP/53 messages as {@code struct observe_l7_event} records to the
     * ring buffer {@code observe_l7_events}; reservation failures in {@code observe_l7_lost}.
     */
    public static final String OBSERVE_L7 = "observe_l7";

    /**
     * The Service load balancer: cgroup sock_addr programs (connect, sendmsg, recvmsg, getpeername for IPv4 and IPv6)
     * for ClusterIP and tcx programs {@code lb_nodeport_ingress}/{@code lb_nodeport_reply} for NodePort (with the optional
     * XDP program {@code lb_nodeport_xdp} in front of the ingress one), sharing the maps
     * described in {@code lb_common.h}; written by {@code dev.ebpf4j.k8s.lb.KernelLbDatapath}. Translations and
     * refusals are reported as flow events ({@code observe_event.h}) to the ring buffer {@code lb_events}, losses
     * counted in {@code lb_events_lost}; {@code .rodata} {@code lb_flow_events = false} turns reporting off.
     */
    public static final String LB_DATAPATH = "lb_datapath";

    /**
     * NetworkPolicy enforcement: tcx programs {@code policy_from_pod} and {@code policy_to_pod} for a pod's host-side
     * veth, with endpoint, ipcache (LPM), rule (LPM), conntrack and first-fragment verdict ({@code policy_fragments})
     * maps (ICMP errors about tracked connections pass, later fragments follow their first); drops and allowed new
     * connections are reported as flow events ({@code observe_event.h}) to {@code policy_flows}, losses counted in
     * {@code policy_flows_lost} ({@code .rodata} {@code policy_flow_events = false} turns reporting off); written by
     * {@code dev.ebpf4j.k8s.policy.KernelPolicyMaps}.
     */
    public static final String POLICY = "policy";

    /**
     * Sample: XDP DDoS mitigation. Program {@code xdp_ddos} drops sources in the LPM tries {@code ddos_block_v4} /
     * {@code ddos_block_v6} (keys {@code {__u32 prefixlen; __u8 addr[4 or 16]}}, value {@code __u32}) and rate-limits
     * every other source with a token bucket in the LRU hash {@code ddos_buckets} ({@code .rodata} {@code rate_pps},
     * {@code burst}); per-reason packet and byte counts in the per-CPU array {@code ddos_stats}
     * ({@code enum ddos_reason}: 0 passed, 1 blocklisted, 2 rate limited).
     */
    public static final String SAMPLE_XDP_DDOS = "sample_xdp_ddos";

    /**
     * Sample: per-pod traffic counter. tcx programs {@code tc_pod_ingress} / {@code tc_pod_egress} for a pod's host-side
     * veth count IPv4 packets and bytes of the {@code .rodata} {@code protocol} (17 UDP by default, 0 all) per pod
     * address and direction in the hash {@code tc_pod_counts} (key {@code struct tc_pod_key}, value
     * {@code struct tc_pod_value}).
     */
    public static final String SAMPLE_TC_COUNTER = "sample_tc_counter";

    /**
     * Sample: packet-socket sniffer filter. Socket filter {@code sniff} keeps IPv4 TCP SYNs, DNS (UDP/53) and TCP/UDP
     * to or from the {@code .rodata} {@code port}; kept/dropped counts in the per-CPU array {@code sniff_stats}.
     */
    public static final String SAMPLE_SNIFFER = "sample_sniffer";

    private static final List<String> NAMES = List.of(XDP_COUNTER, OBSERVE_TCP, OBSERVE_L7, LB_DATAPATH, POLICY,
            SAMPLE_XDP_DDOS, SAMPLE_TC_COUNTER, SAMPLE_SNIFFER);

    private BpfObjects() {}

    /**
     * The names of the objects in this jar.
     *
     * @return names such as {@link #XDP_COUNTER}
     */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The absolute class-path resource name of an object.
     *
     * @param name an object name from {@link #names()}
     * @return {@code /dev/ebpf4j/bpf/<name>.bpf.o}
     * @throws IllegalArgumentException if there is no object of that name (the message lists the names)
     */
    public static String resourcePath(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no BPF object '" + name + "' in ebpf4j-bpf-objects; objects: " + NAMES);
        }
        return "/dev/ebpf4j/bpf/" + name + ".bpf.o";
    }

    /**
     * The ELF bytes of an object.
     *
     * @param name an object name from {@link #names()}
     * @return a fresh copy of the object file's bytes
     * @throws IllegalArgumentException if there is no object of that name
     */
    public static byte[] bytes(String name) {
        String resource = resourcePath(name);
        // Read through this class so that it works from the module path without the caller needing access.
        try (InputStream in = BpfObjects.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the ebpf4j-bpf-objects jar;"
                        + " rebuild it with the ebpf4j Maven plugin (mvn -pl bpf-src package)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /**
     * Opens an object for adjustment and loading: {@code BpfObjects.open(XDP_COUNTER).load()}.
     *
     * @param name an object name from {@link #names()}
     * @return the opened, not yet loaded object; close it if it is never loaded
     * @throws IllegalArgumentException if there is no object of that name
     * @throws dev.ebpf4j.core.BpfException if libbpf cannot parse the object
     */
    public static BpfObjectSpec open(String name) {
        return BpfObject.open(bytes(name), name);
    }
}
