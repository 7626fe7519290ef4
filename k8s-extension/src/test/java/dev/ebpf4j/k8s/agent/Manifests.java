package dev.ebpf4j.k8s.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The web Service (10.96.0.10:80 → 8080) and its EndpointSlice, written atomically into a manifest directory. */
final class Manifests {
    private Manifests() {
    }

    static void write(Path dir, int... backends) throws IOException {
        String endpoints = Arrays.stream(backends).mapToObj(i -> "{addresses: [" + AgentTestbed.backendIp(i) + "]}")
                .collect(Collectors.joining(", "));
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: default}
                spec:
                  clusterIP: 10.96.0.10
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                ports: [{name: http, port: 8080, protocol: TCP}]
                endpoints: [%s]
                """.formatted(endpoints);
        Path tmp = dir.resolve(".web.yaml.tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, dir.resolve("web.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
