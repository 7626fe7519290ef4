package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.cli.CliRunner;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ebpf4j service list} against a real agent process: the CLI reads the maps the agent pinned under its
 * {@code --pin-dir}, read-only, while the agent runs, and sees a manifest change the agent applied.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class AgentCliIT {

    @Test
    void serviceListReadsTheRunningAgentsPins(@TempDir Path tmp) throws Exception {
        Path manifests = Files.createDirectory(tmp.resolve("manifests"));
        Manifests.write(manifests, 1, 2);
        Path log = tmp.resolve("agent.log");
        try (AgentTestbed bed = new AgentTestbed("e4jcl", 3)) {
            bed.cgroup.runInside(() -> {
                try (AgentProcess agent = AgentProcess.start(manifests, bed.cgroup.path(), bed.pinDir, log)) {
                    agent.awaitReady();
                    String out = CliRunner.run(null, "service", "list", "--pin-dir", bed.pinDir.toString(), "-o", "json");
                    assertTrue(out.matches("\\{\"id\":\\d+,\"frontend\":\"10\\.96\\.0\\.10:80/TCP\",\"type\":\"ClusterIP\",\"revision\":\\d+,"
                            + "\"maglev_size\":\\d+,\"affinity_timeout\":0,\"flags\":\\[.*],\"backends\":\\["
                            + "\\{\"id\":\\d+,\"address\":\"10\\.1\\.1\\.1:8080/TCP\",\"state\":\"active\"},"
                            + "\\{\"id\":\\d+,\"address\":\"10\\.1\\.2\\.1:8080/TCP\",\"state\":\"active\"}]}\n"), out);

                    Manifests.write(manifests, 1, 2, 3);
                    String now = out;
                    for (int i = 0; i < 100 && !now.contains("10.1.3.1:8080"); i++) {
                        Thread.sleep(100);
                        now = CliRunner.run(null, "service", "list", "--pin-dir", bed.pinDir.toString(), "-o", "json");
                    }
                    assertTrue(now.contains("\"address\":\"10.1.3.1:8080/TCP\",\"state\":\"active\""), "the agent's update shows: " + now);
                }
                return null;
            });
        }
    }

    @Test
    void aMaglevAgentWithAFixedTableSizeServesAndShowsIt(@TempDir Path tmp) throws Exception {
        Path manifests = Files.createDirectory(tmp.resolve("manifests"));
        Manifests.write(manifests, 1, 2, 3);
        Path log = tmp.resolve("agent.log");
        try (AgentTestbed bed = new AgentTestbed("e4jcm", 3)) {
            bed.cgroup.runInside(() -> {
                try (AgentProcess agent = AgentProcess.startWith(log, "--manifests", manifests.toString(), "--cgroup",
                        bed.cgroup.path().toString(), "--pin-dir", bed.pinDir.toString(), "--node", "n1",
                        "--lb-algorithm", "maglev", "--maglev-table-size", "1021")) {
                    agent.awaitReady();
                    String out = CliRunner.run(null, "service", "list", "--pin-dir", bed.pinDir.toString(), "-o", "json");
                    assertTrue(out.contains("\"maglev_size\":1021,") && out.contains("maglev"), out);
                    java.util.Set<String> seen = new java.util.TreeSet<>();
                    for (int i = 0; i < 60; i++) seen.add(bed.client.call(() -> AgentTestbed.request(80)));
                    assertEquals(java.util.Set.of("b1", "b2", "b3"), seen, "connections spread over the Maglev table");
                }
                return null;
            });
            assertEquals(0, AgentProcess.uninstall(bed.pinDir, log));
        }
    }
}
