package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Topology-aware routing on real connections: an agent in zone {@code za} sends a {@code trafficDistribution:
 * PreferClose} Service's new connections only to the endpoints hinted for {@code za} while any is ready, and to every
 * ready endpoint once none is (kube-proxy's fallback).
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class AgentTopologyAwareIT {
    private static final int REQUESTS = 60;

    @Test
    void sameZoneEndpointsTakeTheConnectionsWhileAnyIsReady(@TempDir Path tmp) throws Exception {
        Path manifests = Files.createDirectory(tmp.resolve("manifests"));
        write(manifests, true);
        Path log = tmp.resolve("agent.log");
        try (AgentTestbed bed = new AgentTestbed("e4jtz", 3)) {
            bed.cgroup.runInside(() -> {
                try (AgentProcess agent = AgentProcess.startWith(log, "--manifests", manifests.toString(), "--cgroup",
                        bed.cgroup.path().toString(), "--pin-dir", bed.pinDir.toString(), "--node", "n1", "--zone", "za")) {
                    agent.awaitReady();
                    Map<String, Integer> sameZone = answers(bed);
                    assertEquals(REQUESTS, sameZone.getOrDefault("b1", 0) + sameZone.getOrDefault("b2", 0),
                            "only b1 and b2 are hinted for za: " + sameZone);
                    assertEquals(2, sameZone.size(), "both za endpoints take connections: " + sameZone);

                    write(manifests, false);
                    Map<String, Integer> fallback = Map.of();
                    for (int i = 0; i < 100 && fallback.getOrDefault("b3", 0) < REQUESTS; i++) {
                        Thread.sleep(100);
                        fallback = answers(bed);
                    }
                    assertEquals(Map.of("b3", REQUESTS), fallback, "b1 and b2 not ready: every ready endpoint, though hinted for zb");
                }
                return null;
            });
            assertEquals(0, AgentProcess.uninstall(bed.pinDir, log), "agent --uninstall exit code");
        }
    }

    private static Map<String, Integer> answers(AgentTestbed bed) {
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            String who = bed.client.call(() -> AgentTestbed.request(80));
            seen.merge(who, 1, Integer::sum);
        }
        return seen;
    }

    /** Backends 1 and 2 hinted for za, 3 for zb; {@code sameZoneReady} false marks 1 and 2 not ready. */
    private static void write(Path dir, boolean sameZoneReady) throws IOException {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: default}
                spec:
                  clusterIP: 10.96.0.10
                  trafficDistribution: PreferClose
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                ports: [{name: http, port: 8080, protocol: TCP}]
                endpoints:
                - {addresses: [%1$s], zone: za, conditions: {ready: %4$s}, hints: {forZones: [{name: za}]}}
                - {addresses: [%2$s], zone: za, conditions: {ready: %4$s}, hints: {forZones: [{name: za}]}}
                - {addresses: [%3$s], zone: zb, conditions: {ready: true}, hints: {forZones: [{name: zb}]}}
                """.formatted(AgentTestbed.backendIp(1), AgentTestbed.backendIp(2), AgentTestbed.backendIp(3), sameZoneReady);
        Path tmp = dir.resolve(".web.yaml.tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, dir.resolve("web.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
