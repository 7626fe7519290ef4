package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.k8s.source.PolicyInformerSource;
import dev.ebpf4j.k8s.source.PolicyScenario;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.Topology;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PolicyEnforcementIT}'s scenario with the informer source over fabric8's mock API server in CRUD mode: the
 * same real traffic, checked against the evaluator after every change made through the API.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class PolicyEnforcementApiIT {
    static KubernetesMockServer server;
    static KubernetesClient client;
    static java.util.Map<Integer, String> fdsBefore;

    @TempDir
    static Path tempDir;

    @BeforeAll
    static void setUp() throws Exception {
        fdsBefore = FdLeakCheck.openFds();
        // Made here rather than by the JUnit extension, so the HTTP stack is closed before the fd check runs.
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new java.util.HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        PolicyEnforcementIT.pods = new ScenarioPods(Files.createDirectories(tempDir.resolve("py")));
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        try {
            if (client != null) client.close();
            if (server != null) server.destroy();
            // The HTTP client's and server's selector threads close their epoll fds shortly after shutdown.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (FdLeakCheck.leakedSince(fdsBefore).values().stream().anyMatch(t -> t.contains("eventpoll") || t.contains("eventfd"))
                    && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(50);
            }
            if (PolicyEnforcementIT.pods != null) PolicyEnforcementIT.pods.close();
            PolicyEnforcementIT.pods = null;
        } finally {
            assertTrue(Topology.leftoverNamespaces(ScenarioPods.PREFIX).isEmpty(),
                    "namespaces left behind: " + Topology.leftoverNamespaces(ScenarioPods.PREFIX));
        }
    }

    @Test
    void apiServerDrivesRealTraffic() throws Exception {
        PolicyScenario.Cluster cluster = PolicyScenario.api(client);
        PolicyScenario.populate(cluster);
        try (PolicyInformerSource source = PolicyInformerSource.of(client)) {
            PolicyEnforcementIT.run(source, cluster);
        }
    }
}
