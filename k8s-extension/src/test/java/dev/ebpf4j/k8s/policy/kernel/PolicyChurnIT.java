package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.DropReason;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.NodePolicyUpdater;
import dev.ebpf4j.k8s.policy.PolicyEvaluator;
import dev.ebpf4j.k8s.policy.Probe;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableModel;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * NetworkPolicy churn under traffic: while policies elsewhere in the cluster change at the target rate (default
 * 1,000 updates/s, each a new revision that makes every established connection be re-checked), long-lived and new
 * connections the evaluator allows in every one of those states must never lose a packet (the kernel's policy drop
 * counters stay at 0 during that phase) and a connection it denies in every state must never open.
 * {@code -Debpf4j.churn.seconds} / {@code -Debpf4j.churn.rate} as for the Service churn test.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class PolicyChurnIT {
    private static final int SECONDS = Integer.getInteger("ebpf4j.churn.seconds", 10);
    private static final int RATE = Integer.getInteger("ebpf4j.churn.rate", 1000);

    @Test
    void unrelatedPolicyChurnDropsNothingAllowedAndOpensNothingDenied(@TempDir Path tmp) throws Exception {
        ClusterState base = TruthTableModel.initialState().withPolicy(new NetworkPolicy("y", "from-x",
                LabelSelector.matchLabels(Map.of("pod", "a")), EnumSet.of(PolicyType.INGRESS),
                List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.namespaces(LabelSelector.matchLabels(Map.of("ns", "x"))))),
                List.of()));
        List<ClusterState> states = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ClusterState s = base.withPolicy(new NetworkPolicy("z", "churn", LabelSelector.matchLabels(Map.of("pod", "abc".substring(i % 3, i % 3 + 1))),
                    EnumSet.of(PolicyType.INGRESS), List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.namespaces(
                    LabelSelector.matchLabels(Map.of("ns", i % 2 == 0 ? "x" : "y"))))), List.of()));
            states.add(i % 4 == 3 ? base : s);
        }
        for (ClusterState s : states) {
            PolicyEvaluator e = new PolicyEvaluator(s);
            for (String from : List.of("x/a", "x/b", "x/c")) assertTrue(e.evaluate(probe(s, from, "y/a")).allowed(), from);
            assertFalse(e.evaluate(probe(s, "z/a", "y/a")).allowed(), "z/a -> y/a is denied in every churn state");
        }

        KernelPolicyDatapath datapath = new KernelPolicyDatapath(Files.createDirectories(tmp.resolve("obj")), List.of(TruthTableModel.NODE));
        try (PodNetworks pods = new PodNetworks(Files.createDirectories(tmp.resolve("py")))) {
            pods.attach(datapath.node(TruthTableModel.NODE));
            KernelPolicyMaps maps = datapath.maps(TruthTableModel.NODE);
            NodePolicyUpdater updater = new NodePolicyUpdater(TruthTableModel.NODE, datapath.writer(TruthTableModel.NODE));
            updater.apply(base);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong updates = new AtomicLong();
            AtomicLong updateNanos = new AtomicLong();
            Thread churn = Thread.ofPlatform().name("policy-churn").start(() -> {
                long period = 1_000_000_000L / RATE, begin = System.nanoTime();
                for (long k = 1; !stop.get(); k++) {
                    long wait = begin + k * period - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    updater.apply(states.get((int) (k % states.size())));
                    updates.incrementAndGet();
                    updateNanos.set(System.nanoTime() - begin);
                }
            });
            long sends = 0, opens = 0, failures = 0, deniedOpened = 0, deniedProbes = 0;
            long dropsDuringAllowed, dropsOfDenied;
            try (PodNetworks.Session session = pods.session(); PodNetworks.Session denied = pods.session()) {
                assertTrue(session.open("xa", "x/a", "y/a") && session.open("xb", "x/b", "y/a"), "connections before churn");
                long dropsBefore = drops(maps);
                long end = System.nanoTime() + SECONDS * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    for (String id : List.of("xa", "xb")) {
                        sends++;
                        if (!session.send(id)) failures++;
                    }
                    if (sends % 200 == 0) {
                        String id = "n" + opens++;
                        if (!session.open(id, "x/c", "y/a") || !session.send(id)) failures++;
                    }
                }
                dropsDuringAllowed = drops(maps) - dropsBefore;
                // Still churning: the denied connection never opens.
                for (int i = 0; i < 3; i++, deniedProbes++) if (denied.open("z" + i, "z/a", "y/a")) deniedOpened++;
                dropsOfDenied = drops(maps) - dropsBefore - dropsDuringAllowed;
            } finally {
                stop.set(true);
                churn.join();
            }
            double seconds = updateNanos.get() / 1e9;
            System.out.printf("policy churn: %d updates in %.1f s (%.0f/s), %d sends + %d new connections allowed,"
                            + " %d failed, %d policy drops while only allowed traffic flowed, %d/%d denied connections opened%n",
                    updates.get(), seconds, updates.get() / seconds, sends, opens, failures, dropsDuringAllowed,
                    deniedOpened, deniedProbes);
            assertEquals(0, failures, "allowed sends or connections failed");
            assertEquals(0, dropsDuringAllowed, "packets of allowed connections dropped by policy");
            assertEquals(0, deniedOpened, "a denied connection opened");
            assertTrue(dropsOfDenied >= deniedProbes, "the drop counters count (the denied SYNs): " + dropsOfDenied);
            assertTrue(updates.get() / seconds >= RATE * 0.9, "update rate " + updates.get() / seconds + "/s below " + RATE);
        } finally {
            datapath.close();
        }
    }

    private static long drops(KernelPolicyMaps maps) {
        return maps.counter(DropReason.POLICY_INGRESS) + maps.counter(DropReason.POLICY_EGRESS);
    }

    private static Probe probe(ClusterState s, String from, String to) {
        String[] f = from.split("/"), t = to.split("/");
        return Probe.between(s.pod(f[0], f[1]), s.pod(t[0], t[1]), 8080, L4Protocol.TCP);
    }
}
