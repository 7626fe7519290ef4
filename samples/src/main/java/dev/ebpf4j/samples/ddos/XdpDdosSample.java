package dev.ebpf4j.samples.ddos;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.bpf.DdosReason;
import dev.ebpf4j.bpf.DdosStat;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.LpmTrieMap;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.Prefix;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.XdpMode;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * XDP DDoS mitigation on real namespaces: a victim with one veth per source (legit, flooder, blocklisted), the
 * {@code xdp_ddos} program on each of the victim's veths with a CIDR blocklist (IPv4 and IPv6) and a per-source
 * token bucket. Every source sends UDP to the victim; the sample prints the program's per-reason drop counts and
 * what the victim received per source, and exits with status 1 unless the blocklisted source got nothing through,
 * the flooder got about rate x time + burst through, and the legitimate source got everything through.
 *
 * <pre>scripts/run-sample.sh xdp-ddos [RATE_PPS [BURST]]</pre>
 */
public final class XdpDdosSample {
    static final String VICTIM4 = "10.210.%d.1", SOURCE4 = "10.210.%d.2";
    static final String VICTIM_MAC = "02:e4:00:00:03:01";
    static final String BLOCKED6 = "fd00:e4:3::2", VICTIM6 = "fd00:e4:3::1";

    private XdpDdosSample() {}

    public static void main(String[] args) throws Exception {
        long rate = args.length > 0 ? Long.parseLong(args[0]) : 200, burst = args.length > 1 ? Long.parseLong(args[1]) : 50;
        if (rate <= 0 || burst < 0) {
            System.err.println("usage: xdp-ddos [RATE_PPS > 0 [BURST >= 0]]");
            System.exit(2);
        }
        Result r = run(rate, burst);
        List<String> problems = r.problems();
        problems.forEach(p -> System.out.println("CHECK FAILED: " + p));
        System.out.println(problems.isEmpty() ? "all checks passed" : problems.size() + " check(s) failed");
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    /** Runs the demo with the given token bucket and returns what happened. */
    public static Result run(long ratePps, long burst) throws Exception {
        try (Topology topology = Topology.create("e4j-ddos")) {
            NetNamespace victim = topology.namespace("victim");
            List<NetNamespace> sources = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                NetNamespace src = topology.namespace(Source.values()[i - 1].role);
                topology.veth(src, "eth0", SOURCE4.formatted(i) + "/24", victim, "v" + i, VICTIM4.formatted(i) + "/24");
                sources.add(src);
            }
            // The blocklisted source also speaks IPv6, to show the IPv6 trie.
            sources.get(2).ip("-6", "addr", "add", BLOCKED6 + "/64", "dev", "eth0", "nodad");
            victim.ip("-6", "addr", "add", VICTIM6 + "/64", "dev", "v3", "nodad");
            // A static neighbour: the blocklist drops the source's neighbour discovery too, yet its datagrams must
            // reach the victim's XDP program to be counted as blocked.
            victim.ip("link", "set", "v3", "address", VICTIM_MAC);
            sources.get(2).ip("-6", "neigh", "replace", VICTIM6, "lladdr", VICTIM_MAC, "dev", "eth0", "nud", "permanent");
            topology.verifyIsolated();

            // region ddos
            try (BpfObject obj = BpfObjects.open(BpfObjects.SAMPLE_XDP_DDOS)
                    .constant("rate_pps", ratePps).constant("burst", burst).load()) {
                var blockV4 = LpmTrieMap.of(obj.map("ddos_block_v4"), Prefix.ipv4Codec(), Codec.u32());
                var blockV6 = LpmTrieMap.of(obj.map("ddos_block_v6"), Prefix.ipv6Codec(), Codec.u32());
                blockV4.put(Prefix.of("10.210.3.0/24"), 1L);       // the blocklisted source's subnet
                blockV4.put(Prefix.of("192.0.2.0/24"), 2L);        // and others that never send here
                blockV6.put(Prefix.of("fd00:e4:3::/64"), 3L);
                var stats = PerCpuArrayMap.of(obj.map("ddos_stats"), Codec.of(DdosStat.class));
                XdpProgram ddos = XdpProgram.of(obj.program("xdp_ddos"));
                try (Link v1 = victim.call(() -> ddos.attach("v1", XdpMode.NATIVE));
                     Link v2 = victim.call(() -> ddos.attach("v2", XdpMode.NATIVE));
                     Link v3 = victim.call(() -> ddos.attach("v3", XdpMode.NATIVE))) {
                    Traffic.Report traffic = Traffic.run(victim, sources);
                    Result result = new Result(ratePps, burst, traffic, byReason(stats));
                    result.print();
                    return result;
                }
            }
            // endregion
        }
    }

    /** Packets per {@link DdosReason}, summed over CPUs. */
    private static Map<Integer, Long> byReason(PerCpuArrayMap<DdosStat> stats) {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        for (int reason = 0; reason < DdosReason.DDOS_REASONS; reason++) {
            out.put(reason, stats.get(reason).orElseThrow().stream().mapToLong(DdosStat::packets).sum());
        }
        return out;
    }

    /** The three sources, in the order of their veths (v1, v2, v3). */
    public enum Source {
        LEGIT("legit"), FLOODER("flood"), BLOCKED("blocked");

        final String role;

        Source(String role) {
            this.role = role;
        }
    }

    /**
     * What the demo measured.
     *
     * @param ratePps  the token bucket's rate
     * @param burst    the token bucket's size
     * @param traffic  sent and delivered datagrams per source, and how long the flood lasted
     * @param byReason packets the XDP program counted per {@link DdosReason} value
     */
    public record Result(long ratePps, long burst, Traffic.Report traffic, Map<Integer, Long> byReason) {
        /** The flooder's allowance: rate x flood duration + burst. */
        public double floodAllowance() {
            return ratePps * traffic.floodSeconds() + burst;
        }

        /** Failed checks, empty when the mitigation worked. */
        public List<String> problems() {
            List<String> p = new ArrayList<>();
            if (traffic.delivered(Source.BLOCKED) != 0) p.add("blocklisted source got " + traffic.delivered(Source.BLOCKED) + " through");
            if (traffic.delivered(Source.LEGIT) != traffic.sent(Source.LEGIT)) {
                p.add("legitimate source got " + traffic.delivered(Source.LEGIT) + " of " + traffic.sent(Source.LEGIT) + " through");
            }
            long flood = traffic.delivered(Source.FLOODER);
            // Allowance plus slack for the bucket refilling between timestamps and CPUs racing on one bucket.
            if (flood < burst || flood > floodAllowance() * 1.2 + 10) {
                p.add("flooder got " + flood + " through; allowed about " + Math.round(floodAllowance()));
            }
            if (byReason.get(DdosReason.DDOS_BLOCKLISTED) < traffic.sent(Source.BLOCKED)) p.add("blocklist drops undercounted: " + byReason);
            if (byReason.get(DdosReason.DDOS_RATE_LIMITED) != traffic.sent(Source.FLOODER) - flood) {
                p.add("rate-limit drops " + byReason.get(DdosReason.DDOS_RATE_LIMITED) + " != flood sent - delivered "
                        + (traffic.sent(Source.FLOODER) - flood));
            }
            return p;
        }

        void print() {
            System.out.printf("token bucket: %d packets/s, burst %d; flood lasted %.3f s (allowance %.0f)%n",
                    ratePps, burst, traffic.floodSeconds(), floodAllowance());
            System.out.printf("%-10s %-28s %8s %10s%n", "source", "address", "sent", "delivered");
            for (Source s : Source.values()) {
                System.out.printf("%-10s %-28s %8d %10d%n", s.role, traffic.addresses(s), traffic.sent(s), traffic.delivered(s));
            }
            System.out.println("XDP verdicts (packets):");
            for (int reason : List.of(DdosReason.DDOS_PASSED, DdosReason.DDOS_BLOCKLISTED, DdosReason.DDOS_RATE_LIMITED)) {
                System.out.printf("  %-18s %8d%n", DdosReason.name(reason).orElseThrow(), byReason.get(reason));
            }
        }
    }
}
