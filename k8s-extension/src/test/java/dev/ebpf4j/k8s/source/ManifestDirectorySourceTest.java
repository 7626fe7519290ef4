package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.ServiceName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class ManifestDirectorySourceTest {
    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec:
              clusterIP: 10.96.0.10
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---
            # a ConfigMap is ignored
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: x, namespace: default}
            """;
    private static String slice(String... ips) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: web-1
                  namespace: default
                  labels: {kubernetes.io/service-name: web}
                addressType: IPv4
                ports: [{name: http, port: 8080, protocol: TCP}]
                endpoints:
                """);
        for (String ip : ips) sb.append("- addresses: [").append(ip).append("]\n");
        return sb.toString();
    }

    @Test
    void loadsTheDirectoryAndFollowsChanges(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("svc.yaml"), SERVICE);
        Files.writeString(dir.resolve("eps.yaml"), slice("10.1.0.1", "10.1.0.2"));
        var snapshots = new LinkedBlockingQueue<ClusterSnapshot>();
        try (var source = new ManifestDirectorySource(dir)) {
            source.addListener(snapshots::add);
            source.start(Duration.ofSeconds(5));
            ClusterSnapshot first = source.snapshot();
            assertEquals(1, first.services().size());
            assertEquals(2, first.slicesOf(new ServiceName("default", "web")).getFirst().endpoints().size());

            Files.writeString(dir.resolve("eps.yaml"), slice("10.1.0.1", "10.1.0.2", "10.1.0.3"));
            ClusterSnapshot s;
            do {
                s = snapshots.poll(10, TimeUnit.SECONDS);
                assertNotNull(s, "no snapshot after a file change");
            } while (s.slices().get("default/web-1").endpoints().size() != 3);

            Files.writeString(dir.resolve("eps.yaml"), "kind: [this is not: valid");
            source.rescan();
            assertEquals(3, source.snapshot().slices().get("default/web-1").endpoints().size(), "bad file keeps last good");

            Files.delete(dir.resolve("svc.yaml"));
            do {
                s = snapshots.poll(10, TimeUnit.SECONDS);
                assertNotNull(s, "no snapshot after a delete");
            } while (!s.services().isEmpty());
        }
    }

    @Test
    void rejectsAMissingDirectory(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> new ManifestDirectorySource(dir.resolve("nope")));
    }

    @Test
    void podsContributeTheirHostPorts(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pod.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: dns, namespace: kube-system}
                spec:
                  nodeName: n1
                  containers:
                  - name: c
                    image: x
                    ports: [{name: dns, containerPort: 53, protocol: UDP, hostPort: 5353}, {containerPort: 9153}]
                status: {phase: Running, podIPs: [{ip: 10.1.0.9}]}
                """);
        try (var source = new ManifestDirectorySource(dir)) {
            source.start(Duration.ofSeconds(5));
            ServiceName id = new ServiceName("kube-system", "dns.hostport");
            var svc = source.snapshot().services().get(id);
            assertNotNull(svc, "host-port Service of the pod: " + source.snapshot().services().keySet());
            assertEquals(dev.ebpf4j.k8s.model.ServiceType.HOST_PORT, svc.type());
            assertEquals(1, svc.ports().size(), "only the port with a hostPort: " + svc.ports());
            assertEquals(5353, svc.ports().getFirst().port());
            assertEquals(53, source.snapshot().slicesOf(id).getFirst().ports().getFirst().port());
        }
    }
}
