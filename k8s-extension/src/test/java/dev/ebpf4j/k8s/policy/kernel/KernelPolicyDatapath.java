package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.k8s.policy.CompiledPolicy;
import dev.ebpf4j.k8s.policy.PolicyMapLayout;
import dev.ebpf4j.k8s.policy.Probe;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.packet.Packets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real policy programs and maps, one loaded object per node, fed with compiled entries and probed through
 * BPF_PROG_TEST_RUN (the programs module's {@link ProgramTester}): a probe is allowed when no node's {@code policy_from_pod} or {@code policy_to_pod} drops the
 * connection's first packet (an object passes packets of pods it does not host).
 */
final class KernelPolicyDatapath implements AutoCloseable {

    static final int TCX_DROP = 2;
    static final Path SOURCE = Path.of("..", "bpf-src", "src", "main", "bpf", "policy.bpf.c");

    private final RawBpf raw = new RawBpf();
    private final Map<String, BpfObject> nodes = new LinkedHashMap<>();
    private final Map<String, ProgramTester> testers = new LinkedHashMap<>();
    private int sourcePort = 40000;

    KernelPolicyDatapath(Path tempDir, List<String> nodeNames) {
        Path object = BpfBuilder.create().compile(SOURCE, tempDir.resolve("policy.bpf.o")).object();
        try {
            for (String n : nodeNames) {
                BpfObject obj = BpfObject.open(object).maxEntries("policy_conntrack", 16384).load();
                nodes.put(n, obj);
                for (String prog : List.of("policy_from_pod", "policy_to_pod")) {
                    testers.put(n + "/" + prog, ProgramTester.of(TcProgram.of(obj.program(prog))));
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static boolean sourceExists() {
        return Files.exists(SOURCE);
    }

    BpfObject node(String name) {
        return nodes.get(name);
    }

    RawBpf raw() {
        return raw;
    }

    /** Empties every map of every node (policy, conntrack, revision 0). */
    void clear() {
        for (BpfObject obj : nodes.values()) {
            for (String map : List.of(PolicyMapLayout.ENDPOINTS_MAP, PolicyMapLayout.IPCACHE_MAP,
                    PolicyMapLayout.RULES_MAP, "policy_conntrack")) {
                raw.clear(obj.map(map).fd(), obj.map(map).keySize());
            }
        }
        revision(0);
    }

    /** Replaces every node's maps with the compiled entries and empties conntrack. */
    void load(List<CompiledPolicy> compiled) {
        load(compiled, false);
    }

    /** Replaces every node's policy maps with the compiled entries, keeping conntrack if asked. */
    void load(List<CompiledPolicy> compiled, boolean keepConntrack) {
        for (CompiledPolicy c : compiled) {
            BpfObject obj = nodes.get(c.node());
            List<String> maps = new ArrayList<>(List.of(PolicyMapLayout.ENDPOINTS_MAP, PolicyMapLayout.IPCACHE_MAP,
                    PolicyMapLayout.RULES_MAP));
            if (!keepConntrack) {
                maps.add("policy_conntrack");
            }
            for (String map : maps) {
                raw.clear(obj.map(map).fd(), obj.map(map).keySize());
            }
            int ep = obj.map(PolicyMapLayout.ENDPOINTS_MAP).fd();
            c.endpoints().forEach(e -> raw.update(ep, e.key(), e.value()));
            int ipc = obj.map(PolicyMapLayout.IPCACHE_MAP).fd();
            c.ipcache().forEach(e -> raw.update(ipc, e.key(), e.value()));
            int rules = obj.map(PolicyMapLayout.RULES_MAP).fd();
            c.policy().forEach(e -> raw.update(rules, e.key(), e.value()));
        }
    }

    /** @return a writer onto one node's kernel maps */
    dev.ebpf4j.k8s.policy.PolicyMapWriter writer(String node) {
        BpfObject obj = nodes.get(node);
        return new dev.ebpf4j.k8s.policy.PolicyMapWriter() {
            @Override
            public void put(String map, byte[] key, byte[] value) {
                raw.update(obj.map(map).fd(), key, value);
            }

            @Override
            public void delete(String map, byte[] key) {
                raw.delete(obj.map(map).fd(), key);
            }

            @Override
            public void revision(int revision) {
                byte[] value = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(revision).putInt(0).array();
                raw.update(obj.map("policy_config").fd(), new byte[4], value);
            }
        };
    }

    /** Sets the policy revision of every node (what the control plane bumps after an update). */
    void revision(int revision) {
        byte[] value = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(revision).putInt(0).array();
        for (BpfObject obj : nodes.values()) {
            raw.update(obj.map("policy_config").fd(), new byte[4], value);
        }
    }

    /** @return whether the first packet of a new connection passes every hook on every node */
    boolean allowed(Probe probe) {
        return send(probe.source(), probe.destination(), sourcePort++, probe.port(), probe);
    }

    /**
     * @return whether a packet from {@code src:sport} to {@code dst:dport} passes every hook on every node
     */
    boolean send(java.net.InetAddress src, java.net.InetAddress dst, int sport, int dport, Probe protocolOf) {
        if (sourcePort > 60000) {
            sourcePort = 40000;
        }
        byte[] frame = frame(src, dst, protocolOf.protocol(), sport, dport);
        boolean pass = true;
        for (String node : nodes.keySet()) {
            pass &= testers.get(node + "/policy_from_pod").run(frame).verdict() != TCX_DROP;
            pass &= testers.get(node + "/policy_to_pod").run(frame).verdict() != TCX_DROP;
        }
        return pass;
    }

    /** TCP SYNs and UDP datagrams from the programs module's packet builder; SCTP (which it lacks) from {@link Frames}. */
    static byte[] frame(java.net.InetAddress src, java.net.InetAddress dst, dev.ebpf4j.k8s.model.L4Protocol protocol,
                        int sport, int dport) {
        Packets p = Packets.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01");
        p = src.getAddress().length == 4 ? p.ipv4(src.getHostAddress(), dst.getHostAddress())
                : p.ipv6(src.getHostAddress(), dst.getHostAddress());
        return switch (protocol) {
            case TCP -> p.tcp(sport, dport, Packets.TCP_SYN, 1).build();
            case UDP -> p.udp(sport, dport).build();
            case SCTP -> Frames.ip(src, dst, protocol, sport, dport);
        };
    }

    /** @return the program tester of a node's program */
    ProgramTester tester(String node, String program) {
        return testers.get(node + "/" + program);
    }

    /** @return the drop/allow counters of a node summed over CPUs, index = drop reason code */
    long[] counters(String node) {
        BpfObject obj = nodes.get(node);
        int fd = obj.map("policy_counters").fd();
        long[] out = new long[8];
        for (int i = 0; i < 8; i++) {
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(i).array();
            byte[] v = raw.lookup(fd, key, 8 * possibleCpus());
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
            for (int c = 0; c < possibleCpus(); c++) {
                out[i] += b.getLong(c * 8);
            }
        }
        return out;
    }

    static int possibleCpus() {
        try {
            String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
            int max = 0;
            for (String part : s.split(",")) {
                String[] r = part.split("-");
                max = Math.max(max, Integer.parseInt(r[r.length - 1]));
            }
            return max + 1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<String> nodeNames() {
        return new ArrayList<>(nodes.keySet());
    }

    @Override
    public void close() {
        nodes.values().forEach(BpfObject::close);
        nodes.clear();
        raw.close();
    }
}
