package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.policy.kernel.ScenarioPods;
import dev.ebpf4j.k8s.source.PolicyScenario;
import dev.ebpf4j.k8s.source.PolicyScenario.Expect;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.KernelMounts;
import dev.ebpf4j.testkit.TestCgroup;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent JVM with {@code --policy}, following a manifest directory, running in a test "node" namespace (through
 * {@code nsenter --net}) whose pods are wired like a routed CNI: a default-deny plus an allow policy hold for real
 * traffic, a policy edit in the directory flips the verdict for new connections, the policy maps are pinned under
 * {@code <pin-dir>/policy-v1/maps/}, enforcement survives SIGKILL, a restarted agent re-adopts it, and
 * {@code --uninstall} removes it.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class AgentPolicyIT {

    @Test
    void agentEnforcesFollowsEditsSurvivesKillAndUninstalls(@TempDir Path tmp) throws Exception {
        Path manifests = Files.createDirectory(tmp.resolve("manifests"));
        PolicyScenario.Cluster cluster = PolicyScenario.manifests(manifests);
        PolicyScenario.populate(cluster);
        cluster.put(PolicyScenario.defaultDeny());
        cluster.put(PolicyScenario.dbFromWeb(false));
        Path log = tmp.resolve("agent.log");
        Path pinDir = KernelMounts.bpffs().resolve("e4j-agentpol-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)));
        try (ScenarioPods pods = new ScenarioPods(Files.createDirectory(tmp.resolve("py")));
             TestCgroup cgroup = TestCgroup.create("e4j-agentpol")) {
            String[] args = {"--manifests", manifests.toString(), "--cgroup", cgroup.path().toString(), "--pin-dir",
                    pinDir.toString(), "--node", PolicyScenario.NODE, "--policy"};
            try {
                try (AgentProcess agent = AgentProcess.startIn(pods.node().path(), log, args)) {
                    agent.awaitReady();
                    expect(pods, "agent ready", new Expect("other/client", "shop/web", 80, "TCP", false),
                            new Expect("other/client", "shop/db", 80, "TCP", false), new Expect("shop/web", "shop/db", 80, "TCP", true),
                            new Expect("shop/web", "shop/db", 81, "TCP", false), new Expect("shop/db", "other/client", 80, "TCP", true),
                            new Expect(null, "shop/db", 80, "TCP", true));
                    assertTrue(Files.exists(pinDir.resolve("policy-v1/maps/policy_rules")), "policy maps pinned under policy-v1/maps");
                    assertTrue(Files.exists(pinDir.resolve("lb-v1/maps")), "the load balancer's pins beside them");

                    cluster.put(PolicyScenario.dbFromWeb(true));
                    eventually(pods, "policy edited to admit team=other", new Expect("other/client", "shop/db", 80, "TCP", true));
                    expect(pods, "after the edit", new Expect("other/client", "shop/db", 81, "TCP", false),
                            new Expect("other/client", "shop/web", 80, "TCP", false));
                    agent.kill();
                }
                expect(pods, "agent killed: pinned enforcement continues", new Expect("other/client", "shop/web", 80, "TCP", false),
                        new Expect("other/client", "shop/db", 80, "TCP", true));

                cluster.delete(PolicyScenario.defaultDeny());
                try (AgentProcess agent = AgentProcess.startIn(pods.node().path(), log, args)) {
                    agent.awaitReady();
                    expect(pods, "restarted agent applied the change made while it was down",
                            new Expect("other/client", "shop/web", 80, "TCP", true), new Expect("shop/web", "shop/db", 81, "TCP", false));
                }
            } finally {
                int exit = AgentProcess.uninstall(pinDir, log);
                if (exit != 0) removeLeftovers(pinDir); // a failed uninstall must not leave pins on the machine
                assertEquals(0, exit, "agent --uninstall exit code");
            }
            assertFalse(Files.exists(pinDir), "uninstall removes the pin directory");
            eventually(pods, "uninstalled: nothing enforced", new Expect("shop/web", "shop/db", 81, "TCP", true));
        }
        assertTrue(Topology.leftoverNamespaces(ScenarioPods.PREFIX).isEmpty(), "namespaces left behind");
    }

    private static void removeLeftovers(Path pinDir) throws java.io.IOException {
        if (!Files.exists(pinDir)) return;
        try (var paths = Files.walk(pinDir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static void expect(ScenarioPods pods, String when, Expect... expects) {
        boolean[] measured = pods.probe(List.of(expects));
        for (int i = 0; i < expects.length; i++) assertEquals(expects[i].allowed(), measured[i], when + ": " + expects[i]);
    }

    private static void eventually(ScenarioPods pods, String when, Expect expect) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (pods.probe(List.of(expect))[0] != expect.allowed()) {
            if (System.nanoTime() > deadline) fail(when + ": still not " + expect);
            Thread.sleep(100);
        }
    }
}
