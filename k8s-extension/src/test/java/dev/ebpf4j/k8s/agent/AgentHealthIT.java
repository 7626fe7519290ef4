package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.internal.KernelObjects;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.KernelMounts;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent JVM started the way the DaemonSet starts it ({@code --config agent.yaml}, everything from the file):
 * {@code /readyz} answers 503 while the datapath loads and the first sync is pending, then 200; {@code /healthz}
 * answers 200; {@code --uninstall} with the same file removes the pins.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class AgentHealthIT {
    @Test
    void readinessFollowsTheFirstSyncAndLivenessTheDatapath(@TempDir Path tmp) throws Exception {
        Path manifests = Files.createDirectory(tmp.resolve("manifests"));
        Manifests.write(manifests, 1, 2);
        Path log = tmp.resolve("agent.log");
        String pinDirectory = "e4j-agenthealth-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        Path pinDir = KernelMounts.bpffs().resolve(pinDirectory);
        int port = freeLoopbackPort();
        try (TestCgroup cgroup = TestCgroup.create("e4j-agenthealth")) {
            Path config = Files.writeString(tmp.resolve("agent.yaml"), """
                    mode: lb
                    source: manifests
                    manifests: %s
                    clusterCIDRs: {pods: 10.244.0.0/16, services: 10.96.0.0/12}
                    bpffs: %s
                    pinDirectory: %s
                    cgroup: %s
                    health: {port: %d}
                    flows: {enabled: false}
                    """.formatted(manifests, KernelMounts.bpffs(), pinDirectory, cgroup.path(), port));
            try {
                List<Integer> seen = new ArrayList<>();
                long t0 = System.nanoTime();
                try (AgentProcess agent = AgentProcess.startWith(log, "--config", config.toString(), "--node", "n1")) {
                    // Poll from JVM start: connection refused until the server binds, then 503s, then 200.
                    while (seen.isEmpty() || seen.getLast() != 200) {
                        assertTrue(agent.isAlive(), "agent exited; its stderr:\n" + Files.readString(log));
                        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "not ready after 30 s: " + seen + "\n" + Files.readString(log));
                        try {
                            int s = HealthServerTest.status(port, "GET", "/readyz");
                            if (seen.isEmpty() || seen.getLast() != s) seen.add(s);
                        } catch (IOException notListeningYet) {
                            // the JVM is still starting
                        }
                        Thread.sleep(5);
                    }
                    long readyMs = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(List.of(503, 200), seen, "/readyz answers over the start");
                    String ready = agent.awaitReady();
                    assertTrue(ready.contains("createdLinks=8"), ready);
                    assertEquals(200, HealthServerTest.status(port, "GET", "/healthz"));
                    assertEquals(200, HealthServerTest.status(port, "GET", "/readyz"));
                    System.out.println("agent ready over /readyz after " + readyMs + " ms");
                    agent.kill();
                }
                assertEquals(0, AgentProcess.uninstall(pinDir, log), "agent --uninstall exit code");
                assertFalse(Files.exists(pinDir), "uninstall removes the pin directory");
                for (int i = 0; i < 50 && !KernelObjects.cgroupLinks(cgroup.path()).isEmpty(); i++) Thread.sleep(100);
                assertEquals(List.of(), KernelObjects.cgroupLinks(cgroup.path()), "uninstall must detach every link");
            } finally {
                if (Files.exists(pinDir)) Agent.uninstall(pinDir);
            }
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
