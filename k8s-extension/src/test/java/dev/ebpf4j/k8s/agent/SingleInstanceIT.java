package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.internal.KernelObjects;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One agent per pin directory: a second one, in this JVM or another process, fails fast naming the lock holder's pid,
 * {@code --uninstall} refuses to pull the pins from under a running agent, and the lock goes with its holder (closed,
 * or killed with SIGKILL).
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class SingleInstanceIT {
    @Test
    void secondAgentInThisJvmFailsNamingTheHolder() throws Exception {
        try (AgentTestbed bed = new AgentTestbed("e4jsi", 1)) {
            long pid = ProcessHandle.current().pid();
            try (Agent first = Agent.start(bed.pinDir, LayoutUpgradeIT.CONFIG, bed.cgroup.path())) {
                long t0 = System.nanoTime();
                var e = assertThrows(IllegalStateException.class, () -> Agent.start(bed.pinDir, LayoutUpgradeIT.CONFIG, bed.cgroup.path()));
                long micros = (System.nanoTime() - t0) / 1000;
                assertTrue(e.getMessage().startsWith("another agent is running on pin directory " + bed.pinDir + " (pid " + pid + ":"),
                        e.getMessage());
                assertTrue(micros < 1_000_000, "fails fast: " + micros + " us");
                var u = assertThrows(IllegalStateException.class, () -> Agent.uninstall(bed.pinDir));
                assertTrue(u.getMessage().contains("pid " + pid), u.getMessage());
                assertEquals(8, KernelObjects.cgroupLinks(bed.cgroup.path()).size(), "the first agent's links untouched");
                System.out.println("second agent refused in " + micros + " us: " + e.getMessage());
            }
            try (Agent again = Agent.start(bed.pinDir, LayoutUpgradeIT.CONFIG, bed.cgroup.path())) {
                assertEquals(8, again.report().adoptedLinks(), "closing released the lock");
            }
        }
    }

    @Test
    void secondAgentProcessExitsNamingTheFirstOnesPid() throws Exception {
        Path tmp = Files.createTempDirectory("e4j-single");
        Path manifests = Files.createDirectory(tmp.resolve("manifests"));
        Manifests.write(manifests, 1);
        Path log = tmp.resolve("agent.log");
        try (AgentTestbed bed = new AgentTestbed("e4jsp", 1)) {
            try (AgentProcess first = AgentProcess.start(manifests, bed.cgroup.path(), bed.pinDir, log)) {
                first.awaitReady();
                try (AgentProcess second = AgentProcess.start(manifests, bed.cgroup.path(), bed.pinDir, log)) {
                    assertEquals(1, second.awaitExit(60), "the second agent exits with 1");
                }
                String err = Files.readString(log);
                assertTrue(err.contains("agent: another agent is running on pin directory " + bed.pinDir + " (pid " + first.pid()),
                        err);
                assertTrue(first.isAlive(), "the first agent keeps running");
                first.kill(); // SIGKILL: the kernel drops the lock with the process
            }
            try (AgentProcess third = AgentProcess.start(manifests, bed.cgroup.path(), bed.pinDir, log)) {
                String ready = third.awaitReady();
                assertTrue(ready.contains("adoptedLinks=8"), ready);
            }
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
