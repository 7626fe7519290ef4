package dev.ebpf4j.samples.tccounter;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.bpf.TcPodDirection;
import dev.ebpf4j.bpf.TcPodKey;
import dev.ebpf4j.bpf.TcPodValue;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-pod traffic counter on TC: a "node" namespace routes between three "pod" namespaces, each joined to it by a
 * veth; tcx programs on every host-side veth count UDP packets and bytes per pod address and direction in one hash
 * map. The pods send each other a known set of datagrams; the sample prints the table the map holds next to what
 * was sent, and exits with status 1 unless every count is exact.
 *
 * <pre>scripts/run-sample.sh tc-counter</pre>
 */
public final class TcCounterSample {
    /** UDP datagrams the demo sends, with their payload sizes. */
    static final List<PodTraffic.Send> PLAN = List.of(
            new PodTraffic.Send("a", "b", 10, 100), new PodTraffic.Send("a", "c", 20, 200),
            new PodTraffic.Send("b", "c", 5, 50), new PodTraffic.Send("c", "a", 7, 300));

    private TcCounterSample() {}

    public static void main(String[] args) throws Exception {
        Map<String, PodCounts> counted = run();
        Map<String, PodCounts> expected = PodTraffic.expected(PLAN);
        boolean ok = counted.equals(expected);
        System.out.println(ok ? "counts match what was sent" : "CHECK FAILED: expected " + expected);
        System.exit(ok ? 0 : 1);
    }

    /** Runs the demo and returns the counts the TC programs kept, by pod name. */
    public static Map<String, PodCounts> run() throws Exception {
        try (Topology topology = Topology.create("e4j-tcc")) {
            NetNamespace node = topology.namespace("node");
            Map<String, NetNamespace> pods = new LinkedHashMap<>();
            Map<String, String> podIps = new LinkedHashMap<>();
            int i = 1;
            for (String pod : List.of("a", "b", "c")) {
                NetNamespace ns = topology.namespace("pod-" + pod);
                String ip = "10.220." + i + ".2";
                topology.veth(ns, "eth0", ip + "/24", node, "lxc-" + pod, "10.220." + i + ".1/24");
                ns.ip("route", "add", "10.220.0.0/16", "via", "10.220." + i + ".1");
                pods.put(pod, ns);
                podIps.put(pod, ip);
                i++;
            }
            node.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
            topology.verifyIsolated();

            // region tc-counter
            try (BpfObject obj = BpfObjects.open(BpfObjects.SAMPLE_TC_COUNTER).constant("protocol", 17).load()) {
                var counts = BpfHashMap.of(obj.map("tc_pod_counts"), Codec.of(TcPodKey.class), Codec.of(TcPodValue.class));
                TcProgram fromPod = TcProgram.of(obj.program("tc_pod_ingress"));
                TcProgram toPod = TcProgram.of(obj.program("tc_pod_egress"));
                List<Link> links = new ArrayList<>();
                try {
                    for (String pod : pods.keySet()) {
                        // The host side of a pod's veth: its ingress is what the pod sends, its egress what it receives.
                        links.add(node.call(() -> fromPod.attach("lxc-" + pod, TcDirection.INGRESS)));
                        links.add(node.call(() -> toPod.attach("lxc-" + pod, TcDirection.EGRESS)));
                    }
                    PodTraffic.send(PLAN, pods, podIps);
                    Map<String, PodCounts> table = table(counts, podIps);
                    PodCounts.print(table, podIps, PodTraffic.expected(PLAN));
                    return table;
                } finally {
                    for (Link l : links.reversed()) l.close();
                }
            }
            // endregion
        }
    }

    /** Reads each pod's two entries (packets and bytes it sent and received) from the counter map. */
    private static Map<String, PodCounts> table(BpfHashMap<TcPodKey, TcPodValue> counts, Map<String, String> podIps)
            throws java.net.UnknownHostException {
        Map<String, PodCounts> table = new LinkedHashMap<>();
        TcPodValue none = new TcPodValue(0, 0);
        for (var e : podIps.entrySet()) {
            int key = ipKey(e.getValue());
            TcPodValue sent = counts.get(new TcPodKey(key, TcPodDirection.TC_POD_FROM)).orElse(none);
            TcPodValue received = counts.get(new TcPodKey(key, TcPodDirection.TC_POD_TO)).orElse(none);
            table.put(e.getKey(), new PodCounts(sent.packets(), sent.bytes(), received.packets(), received.bytes()));
        }
        return table;
    }

    /** The map key's {@code pod_ip}: the address in network byte order, read as a native (little-endian) int. */
    static int ipKey(String ip) throws java.net.UnknownHostException {
        byte[] b = InetAddress.getByName(ip).getAddress();
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }
}
