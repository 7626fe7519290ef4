package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code service.kubernetes.io/service-proxy-name} on real traffic: a Service labelled for another proxy gets no
 * translation (the client namespace has no route to Service addresses, so its connect fails "network unreachable"),
 * and an agent with {@code --service-proxy-name} serves exactly the Services labelled with its name.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class AgentServiceProxyNameIT {
    private static final Map<String, String> SERVICES = services();

    private static Map<String, String> services() {
        Map<String, String> s = new LinkedHashMap<>(); // VIP -> the label's value, "" for none
        s.put("10.96.0.10", "");
        s.put("10.96.0.11", "other-proxy");
        s.put("10.96.0.12", "ebpf4j");
        return s;
    }

    @Test
    void servicesOfAnotherProxyAreLeftAloneAndANamedAgentServesOnlyItsOwn(@TempDir Path tmp) throws Exception {
        Path manifests = Files.createDirectory(tmp.resolve("manifests"));
        writeManifests(manifests);
        Path log = tmp.resolve("agent.log");
        try (AgentTestbed bed = new AgentTestbed("e4jpn", 1)) {
            bed.cgroup.runInside(() -> {
                assertEquals(Map.of("10.96.0.10", "b1", "10.96.0.11", "unreachable", "10.96.0.12", "unreachable"),
                        reach(bed, manifests, log), "without a name: kube-proxy's rule, only the unlabelled Service");
                assertEquals(Map.of("10.96.0.10", "unreachable", "10.96.0.11", "unreachable", "10.96.0.12", "b1"),
                        reach(bed, manifests, log, "--service-proxy-name", "ebpf4j"), "named ebpf4j: only its own Service");
                return null;
            });
            assertEquals(0, AgentProcess.uninstall(bed.pinDir, log), "agent --uninstall exit code");
        }
    }

    /** Runs an agent until ready, connects once to every Service address, stops it. */
    private static Map<String, String> reach(AgentTestbed bed, Path manifests, Path log, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--manifests", manifests.toString(), "--cgroup",
                bed.cgroup.path().toString(), "--pin-dir", bed.pinDir.toString(), "--node", "n1"));
        args.addAll(List.of(extra));
        try (AgentProcess agent = AgentProcess.startWith(log, args.toArray(String[]::new))) {
            agent.awaitReady();
            Map<String, String> seen = new java.util.TreeMap<>();
            for (String vip : SERVICES.keySet()) seen.put(vip, bed.client.call(() -> answer(vip)));
            return seen;
        }
    }

    private static String answer(String vip) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(vip, 80), 2000);
            s.setSoTimeout(2000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("unreachable") ? "unreachable" : "failed: " + e;
        }
    }

    private static void writeManifests(Path dir) throws IOException {
        StringBuilder yaml = new StringBuilder();
        int n = 0;
        for (var e : SERVICES.entrySet()) {
            String name = "web" + n++;
            String labels = e.getValue().isEmpty() ? "{}" : "{service.kubernetes.io/service-proxy-name: " + e.getValue() + "}";
            yaml.append("""
                    apiVersion: v1
                    kind: Service
                    metadata: {name: %1$s, namespace: default, labels: %2$s}
                    spec:
                      clusterIP: %3$s
                      ports: [{name: http, port: 80, targetPort: 8080}]
                    ---
                    apiVersion: discovery.k8s.io/v1
                    kind: EndpointSlice
                    metadata: {name: %1$s-1, namespace: default, labels: {kubernetes.io/service-name: %1$s}}
                    addressType: IPv4
                    ports: [{name: http, port: 8080, protocol: TCP}]
                    endpoints: [{addresses: [%4$s]}]
                    ---
                    """.formatted(name, labels, e.getKey(), AgentTestbed.backendIp(1)));
        }
        Files.writeString(dir.resolve("services.yaml"), yaml);
    }
}
