package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.internal.KernelObjects;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent JVM is SIGKILLed while a client in the LB cgroup sends a stream of short TCP requests through the
 * Service VIP, then restarted: no request may fail, the restarted agent must re-adopt the pinned maps and links
 * (exactly one link per hook on the cgroup, the killed agent's programs gone), and a Service change made after the
 * restart must take effect. {@code -Debpf4j.agent.requests=N} sets the total (default 10,000).
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class AgentRestartIT {
    private static final long REQUESTS = Long.getLong("ebpf4j.agent.requests", 10_000);

    @Test
    void sigkillAndRestartLoseNoRequest(@TempDir Path tmp) throws Exception {
        Path manifests = Files.createDirectory(tmp.resolve("manifests"));
        Manifests.write(manifests, 1, 2);
        try (AgentTestbed bed = new AgentTestbed("e4jag", 3)) {
            bed.cgroup.runInside(() -> {
                run(bed, manifests, tmp.resolve("agent.log"));
                return null;
            });
            assertEquals(0, AgentProcess.uninstall(bed.pinDir, tmp.resolve("agent.log")), "agent --uninstall exit code");
            assertFalse(Files.exists(bed.pinDir), "uninstall removes the pin directory");
            for (int i = 0; i < 50 && !KernelObjects.cgroupLinks(bed.cgroup.path()).isEmpty(); i++) Thread.sleep(100);
            assertEquals(List.of(), KernelObjects.cgroupLinks(bed.cgroup.path()), "uninstall must detach every link");
        }
    }

    private void run(AgentTestbed bed, Path manifests, Path log) throws Exception {
        AtomicLong ok = new AtomicLong(), failed = new AtomicLong();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Set<String> seenAfterChange = ConcurrentHashMap.newKeySet();
        AtomicBoolean changed = new AtomicBoolean();
        AgentProcess first = AgentProcess.start(manifests, bed.cgroup.path(), bed.pinDir, log);
        AgentProcess second = null;
        Thread clientThread = null;
        try {
            String r1 = first.awaitReady();
            assertTrue(r1.contains("createdLinks=8"), r1);
            List<KernelObjects.LinkEntry> before = KernelObjects.cgroupLinks(bed.cgroup.path());
            assertEquals(8, before.size(), "one link per socket hook: " + before);
            clientThread = Thread.ofPlatform().name("client").start(() -> bed.client.run(() -> {
                while (!stop.get()) {
                    boolean afterChange = changed.get();
                    try {
                        String who = AgentTestbed.request(80);
                        ok.incrementAndGet();
                        if (afterChange) seenAfterChange.add(who);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                }
            }));
            awaitCount(ok, failed, REQUESTS / 3);
            long killedAt = System.nanoTime();
            long atKill = ok.get() + failed.get();
            first.kill();
            long beforeRestart = ok.get() + failed.get();
            second = AgentProcess.start(manifests, bed.cgroup.path(), bed.pinDir, log);
            String r2 = second.awaitReady();
            long restartMillis = (System.nanoTime() - killedAt) / 1_000_000;
            long duringRestart = ok.get() + failed.get() - atKill;
            assertTrue(r2.contains("adoptedLinks=8") && r2.contains("createdLinks=0"), r2);

            List<KernelObjects.LinkEntry> after = KernelObjects.cgroupLinks(bed.cgroup.path());
            assertEquals(8, after.size(), "still exactly one link per hook after the restart: " + after);
            Set<Integer> linkIds = new HashSet<>(), oldPrograms = new HashSet<>(), newPrograms = new HashSet<>();
            for (var l : before) {
                linkIds.add(l.id());
                oldPrograms.add(l.programId());
            }
            for (var l : after) {
                assertTrue(linkIds.contains(l.id()), "the pinned links are re-adopted, not re-created: " + l);
                newPrograms.add(l.programId());
            }
            assertEquals(8, newPrograms.size());
            // The programs the links run are pinned beside them: the next agent holds them from there, without
            // CAP_SYS_ADMIN (which opening by id needs; AgentContainerIT restarts without it).
            Set<Integer> pinnedPrograms = new HashSet<>();
            try (var pins = Files.list(bed.pinDir.resolve("lb-v" + PinLayout.LAYOUT_VERSION).resolve("programs"))) {
                for (Path pin : pins.toList()) {
                    try (var p = dev.ebpf4j.programs.KernelProgram.openPinned(pin)) {
                        pinnedPrograms.add(p.id());
                    }
                }
            }
            assertEquals(newPrograms, pinnedPrograms, "the pinned programs are the ones the links run");
            assertTrue(java.util.Collections.disjoint(oldPrograms, newPrograms), "links run the new agent's programs");
            awaitGone(oldPrograms);

            awaitCount(ok, failed, REQUESTS);
            // A Service change after the restart: only backend 3 from now on.
            Manifests.write(manifests, 3);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (bed.client.call(() -> AgentTestbed.request(80)).equals("b3")) break;
                Thread.sleep(20);
            }
            Thread.sleep(200);
            changed.set(true);
            long mark = ok.get();
            while (ok.get() < mark + 500 && failed.get() == 0) Thread.sleep(10);
            stop.set(true);
            clientThread.join();
            System.out.printf("agent restart: %d requests, %d failed, %d sent while the agent was down or starting,"
                            + " %d sent between SIGKILL and exit, restart to ready %d ms; report %s%n",
                    ok.get() + failed.get(), failed.get(), duringRestart, beforeRestart - atKill, restartMillis, r2);
            assertEquals(0, failed.get(), () -> "failed requests, first: " + firstFailure.get());
            assertTrue(ok.get() >= REQUESTS);
            assertTrue(duringRestart > 0, "the client must have been sending while the agent was down");
            assertEquals(Set.of("b3"), seenAfterChange, "the Service change after the restart took effect");
        } finally {
            stop.set(true);
            if (clientThread != null) clientThread.join();
            first.close();
            if (second != null) second.close();
        }
    }

    private static void awaitCount(AtomicLong ok, AtomicLong failed, long n) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (ok.get() + failed.get() < n) {
            if (System.nanoTime() > deadline) fail("client too slow: " + ok.get() + " ok, " + failed.get() + " failed");
            Thread.sleep(5);
        }
    }

    private static void awaitGone(Set<Integer> programs) throws InterruptedException {
        for (int i = 0; i < 50 && programs.stream().anyMatch(KernelObjects::programExists); i++) Thread.sleep(100);
        for (int id : programs) assertFalse(KernelObjects.programExists(id), "old program " + id + " still loaded");
    }
}
