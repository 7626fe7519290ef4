package dev.ebpf4j.samples.lb;

import dev.ebpf4j.testkit.TestCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The cluster demo's API objects as YAML in the directory every node's agent watches (standing in for the API server):
 * {@code web}, a NodePort Service with backends on node-2 and node-3, and {@code web-local}, a LoadBalancer Service
 * with {@code externalTrafficPolicy: Local} whose only backend is on node-2.
 */
final class ClusterManifests {
    static final String WEB_VIP = "10.96.0.10";
    static final int WEB_NODE_PORT = 30080;
    static final int LOCAL_NODE_PORT = 30081;
    static final int LOCAL_HEALTH_CHECK_PORT = 32081;

    private ClusterManifests() {}

    static void write(Path dir, List<TestCluster.Pod> webBackends, TestCluster.Pod localBackend) throws IOException {
        write(dir.resolve("web.yaml"), service("web", "NodePort", WEB_VIP, WEB_NODE_PORT, "")
                + "---\n" + slice("web", webBackends));
        write(dir.resolve("web-local.yaml"), service("web-local", "LoadBalancer", "10.96.0.11", LOCAL_NODE_PORT, """
                  externalTrafficPolicy: Local
                  healthCheckNodePort: %d
                """.formatted(LOCAL_HEALTH_CHECK_PORT)) + "---\n" + slice("web-local", List.of(localBackend)));
    }

    private static String service(String name, String type, String vip, int nodePort, String extra) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: default}
                spec:
                  type: %s
                  clusterIP: %s
                  clusterIPs: [%s]
                  ports:
                  - {name: http, protocol: TCP, port: 80, targetPort: 8080, nodePort: %d}
                """.formatted(name, type, vip, vip, nodePort) + extra;
    }

    /** An IPv4 EndpointSlice listing {@code pods} as ready, each with the node it runs on. */
    private static String slice(String service, List<TestCluster.Pod> pods) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s-ipv4
                  namespace: default
                  labels: {kubernetes.io/service-name: %s}
                addressType: IPv4
                ports:
                - {name: http, protocol: TCP, port: 8080}
                endpoints:
                """.formatted(service, service) + pods.stream().map(p -> """
                - addresses: [%s]
                  conditions: {ready: true, serving: true, terminating: false}
                  nodeName: %s
                  targetRef: {kind: Pod, namespace: default, name: %s}
                """.formatted(p.ipv4().getHostAddress(), p.node().name(), p.name())).collect(Collectors.joining());
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = Files.writeString(file.resolveSibling("." + file.getFileName() + ".tmp"), text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
