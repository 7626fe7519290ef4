package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.policy.CompiledPolicy;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.PolicyMapUpdate;
import dev.ebpf4j.k8s.policy.PolicyMapWriter;
import dev.ebpf4j.k8s.policy.Probe;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.packet.Packets;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real policy programs and maps, one loaded object per node, written through {@link KernelPolicyMaps} and
 * probed through BPF_PROG_TEST_RUN ({@link ProgramTester}): a probe is allowed when no node's
 * {@code policy_from_pod} or {@code policy_to_pod} drops the connection's first packet (an object passes packets
 * of pods it does not host).
 */
final class KernelPolicyDatapath implements AutoCloseable {

    static final int TCX_DROP = 2;
    static final Path SOURCE = Path.of("..", "bpf-src", "src", "main", "bpf", "policy.bpf.c");

    private final Map<String, BpfObject> nodes = new LinkedHashMap<>();
    private final Map<String, KernelPolicyMaps> maps = new LinkedHashMap<>();
    private final Map<String, ProgramTester> testers = new LinkedHashMap<>();
    private int sourcePort = 40000;

    KernelPolicyDatapath(Path tempDir, List<String> nodeNames) {
        Path object = BpfBuilder.create().compile(SOURCE, tempDir.resolve("policy.bpf.o")).object();
        try {
            for (String n : nodeNames) {
                BpfObject obj = BpfObject.open(object).maxEntries("policy_conntrack", 16384).load();
                nodes.put(n, obj);
                maps.put(n, KernelPolicyMaps.of(obj));
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

    KernelPolicyMaps maps(String node) {
        return maps.get(node);
    }

    /** Empties every map of every node (policy, conntrack, revision 0). */
    void clear() {
        maps.values().forEach(KernelPolicyMaps::clear);
        clearConntrack();
        revision(0);
    }

    /** Replaces every node's maps with the compiled entries and empties conntrack. */
    void load(List<CompiledPolicy> compiled) {
        load(compiled, false);
    }

    /** Replaces every node's policy maps with the compiled entries, keeping conntrack if asked. */
    void load(List<CompiledPolicy> compiled, boolean keepConntrack) {
        for (CompiledPolicy c : compiled) {
            KernelPolicyMaps m = maps.get(c.node());
            m.clear();
            PolicyMapUpdate.plan(null, c).forEach(op -> op.applyTo(m));
        }
        if (!keepConntrack) {
            clearConntrack();
        }
    }

    private void clearConntrack() {
        maps.values().forEach(KernelPolicyMaps::clearConntrack);
    }

    /** @return a writer onto one node's kernel maps */
    PolicyMapWriter writer(String node) {
        return maps.get(node);
    }

    /** Sets the policy revision of every node (what the control plane bumps after an update). */
    void revision(int revision) {
        maps.values().forEach(m -> m.revision(revision));
    }

    /** @return whether the first packet of a new connection passes every hook on every node */
    boolean allowed(Probe probe) {
        if (sourcePort > 60000) {
            sourcePort = 40000;
        }
        return send(probe.source(), probe.destination(), sourcePort++, probe.port(), probe);
    }

    /** @return whether a packet from {@code src:sport} to {@code dst:dport} passes every hook on every node */
    boolean send(InetAddress src, InetAddress dst, int sport, int dport, Probe protocolOf) {
        byte[] frame = frame(src, dst, protocolOf.protocol(), sport, dport);
        boolean pass = true;
        for (String node : nodes.keySet()) {
            pass &= testers.get(node + "/policy_from_pod").run(frame).verdict() != TCX_DROP;
            pass &= testers.get(node + "/policy_to_pod").run(frame).verdict() != TCX_DROP;
        }
        return pass;
    }

    /** TCP SYNs and UDP datagrams from the programs module's packet builder; SCTP (which it lacks) from {@link Frames}. */
    static byte[] frame(InetAddress src, InetAddress dst, L4Protocol protocol, int sport, int dport) {
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

    List<String> nodeNames() {
        return new ArrayList<>(nodes.keySet());
    }

    @Override
    public void close() {
        maps.values().forEach(KernelPolicyMaps::close);
        maps.clear();
        nodes.values().forEach(BpfObject::close);
        nodes.clear();
    }
}
