package dev.ebpf4j.samples.lb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The Service and its EndpointSlice as the YAML an API server would hold, written where the manifest source watches. */
final class Manifests {
    private Manifests() {}

    static void writeService(Path dir) throws IOException {
        write(dir.resolve("service.yaml"), """
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  namespace: default
                spec:
                  type: ClusterIP
                  clusterIP: 10.96.0.10
                  clusterIPs: [10.96.0.10]
                  selector: {app: web}
                  ports:
                  - {name: http, protocol: TCP, port: 80, targetPort: 8080}
                """);
    }

    /** One endpoint per backend number, ready or not; an empty map leaves the Service without endpoints. */
    static void writeEndpoints(Path dir, PodNetwork pods, Map<Integer, Boolean> readiness) throws IOException {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: web-abc12
                  namespace: default
                  labels: {kubernetes.io/service-name: web}
                addressType: IPv4
                ports:
                - {name: http, protocol: TCP, port: 8080}
                endpoints:
                """);
        if (readiness.isEmpty()) yaml.append("[]\n");
        new TreeMap<>(readiness).forEach((i, ready) -> yaml.append("""
                - addresses: [%s]
                  conditions: {ready: %b, serving: %b, terminating: false}
                  nodeName: node
                  targetRef: {kind: Pod, namespace: default, name: backend-%d}
                """.formatted(pods.backendIp(i), ready, ready, i)));
        write(dir.resolve("endpointslice.yaml"), yaml.toString().replace("endpoints:\n[]", "endpoints: []"));
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = Files.writeString(file.resolveSibling("." + file.getFileName() + ".tmp"), text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
