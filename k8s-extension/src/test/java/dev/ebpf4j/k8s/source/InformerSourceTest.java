package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.lb.Backend;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.lb.SimulatedLbDatapath;
import dev.ebpf4j.k8s.model.Protocol;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Drives the informer source and the controller through fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class InformerSourceTest {
    static KubernetesClient client;

    private static io.fabric8.kubernetes.api.model.Service service(String ns, String vip) {
        return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName("web").endMetadata()
                .withNewSpec().withClusterIP(vip).withClusterIPs(vip)
                .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec().build();
    }

    private static Endpoint endpoint(String ip, boolean terminating) {
        return new EndpointBuilder().withAddresses(ip).withNodeName("n1").withNewConditions()
                .withReady(!terminating).withServing(true).withTerminating(terminating).endConditions().build();
    }

    private static EndpointSlice slice(String ns, List<Endpoint> endpoints) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName("web-1")
                .addToLabels("kubernetes.io/service-name", "web").endMetadata()
                .withAddressType("IPv4").withEndpoints(endpoints)
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort().build();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(2);
        }
    }

    private static Set<String> active(SimulatedLbDatapath dp, InetAddress vip) {
        return dp.activeBackends(vip, 80, Protocol.TCP).stream().map(b -> b.address().getHostAddress())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void initialStateAndUpdatesReachTheDatapath() throws Exception {
        String ns = "init";
        InetAddress vip = InetAddress.ofLiteral("10.96.0.10");
        client.services().inNamespace(ns).resource(service(ns, "10.96.0.10")).create();
        client.discovery().v1().endpointSlices().inNamespace(ns)
                .resource(slice(ns, List.of(endpoint("10.1.0.1", false), endpoint("10.1.0.2", false)))).create();
        try (var source = InformerSource.of(client); var dp = new SimulatedLbDatapath()) {
            var controller = new LbController(LbConfig.forNode("n1"), dp);
            controller.follow(source);
            source.start(Duration.ofSeconds(20));
            assertTrue(source.snapshot().services().containsKey(new dev.ebpf4j.k8s.model.ServiceName(ns, "web")));
            await(() -> active(dp, vip).equals(Set.of("10.1.0.1", "10.1.0.2")), "initial endpoints");

            client.discovery().v1().endpointSlices().inNamespace(ns)
                    .resource(slice(ns, List.of(endpoint("10.1.0.2", false), endpoint("10.1.0.1", true)))).update();
            await(() -> active(dp, vip).equals(Set.of("10.1.0.2")), "terminating endpoint out of the slots");
            assertTrue(dp.backends().values().stream().anyMatch(b -> b.address().getHostAddress().equals("10.1.0.1")),
                    "terminating backend kept for established flows");

            client.services().inNamespace(ns).withName("web").delete();
            await(() -> dp.service(vip, 80, Protocol.TCP).isEmpty(), "service removal");
            await(() -> dp.backends().values().stream().noneMatch(b -> b.address().getHostAddress().startsWith("10.1.0.")),
                    "backend cleanup");
            assertEquals(List.of(), dp.violations());
        }
    }

    @Test
    void aServiceRelabelledForAnotherProxyIsWithdrawnAndANamedProxyServesOnlyItsOwn() throws Exception {
        String ns = "proxyname";
        InetAddress vip = InetAddress.ofLiteral("10.96.0.30");
        var svc = client.services().inNamespace(ns).resource(service(ns, "10.96.0.30")).create();
        client.discovery().v1().endpointSlices().inNamespace(ns).resource(slice(ns, List.of(endpoint("10.3.0.1", false)))).create();
        var name = new dev.ebpf4j.k8s.model.ServiceName(ns, "web");
        try (var kubeProxyRule = InformerSource.of(client); var named = InformerSource.of(client).serviceProxyName("ebpf4j");
             var dp = new SimulatedLbDatapath()) {
            new LbController(LbConfig.forNode("n1"), dp).follow(kubeProxyRule);
            kubeProxyRule.start(Duration.ofSeconds(20));
            named.start(Duration.ofSeconds(20));
            await(() -> active(dp, vip).equals(Set.of("10.3.0.1")), "the unlabelled Service is served");
            assertFalse(named.snapshot().services().containsKey(name), "a named proxy leaves unlabelled Services alone");

            client.services().inNamespace(ns).resource(new ServiceBuilder(svc).editMetadata()
                    .addToLabels(dev.ebpf4j.k8s.model.ServiceConverter.SERVICE_PROXY_NAME_LABEL, "ebpf4j").endMetadata().build()).update();
            await(() -> dp.service(vip, 80, Protocol.TCP).isEmpty(), "the relabelled Service withdrawn by the kube-proxy rule");
            await(() -> named.snapshot().services().containsKey(name), "and taken by the proxy it names");
            assertEquals(List.of(), dp.violations());
        }
        assertThrows(IllegalArgumentException.class, () -> InformerSource.of(client).serviceProxyName("not a label value"));
    }

    @Test
    void churnOfAThousandEndpointChangesStaysConsistentAfterEveryBatch() throws Exception {
        String ns = "churn";
        InetAddress vip = InetAddress.ofLiteral("10.96.0.20");
        client.services().inNamespace(ns).resource(service(ns, "10.96.0.20")).create();
        List<String> pool = new ArrayList<>();
        for (int i = 1; i <= 40; i++) pool.add("10.2.0." + i);
        TreeSet<String> ready = new TreeSet<>(pool.subList(0, 10));
        TreeSet<String> terminating = new TreeSet<>();
        client.discovery().v1().endpointSlices().inNamespace(ns).resource(slice(ns, endpoints(ready, terminating))).create();
        try (var source = InformerSource.of(client); var dp = new SimulatedLbDatapath()) {
            var controller = new LbController(LbConfig.forNode("n1"), dp);
            controller.follow(source);
            source.start(Duration.ofSeconds(20));
            await(() -> active(dp, vip).equals(ready), "initial endpoints");
            Random r = new Random(5);
            int changes = 0, batches = 0;
            while (changes < 1000) {
                int batch = 1 + r.nextInt(20);
                for (int i = 0; i < batch && changes < 1000; i++, changes++) {
                    String ip = pool.get(r.nextInt(pool.size()));
                    if (ready.contains(ip)) {
                        ready.remove(ip);
                        if (r.nextBoolean()) terminating.add(ip);
                    } else {
                        terminating.remove(ip);
                        ready.add(ip);
                    }
                }
                // One API write per batch; the informer may coalesce consecutive batches, which is allowed.
                client.discovery().v1().endpointSlices().inNamespace(ns).resource(slice(ns, endpoints(ready, terminating))).update();
                Set<String> want = new TreeSet<>(ready);
                await(() -> active(dp, vip).equals(want), "batch " + batches);
                Set<String> backends = dp.backends().values().stream().map(b -> b.address().getHostAddress())
                        .collect(Collectors.toCollection(TreeSet::new));
                Set<String> expectedBackends = new TreeSet<>(ready);
                expectedBackends.addAll(terminating);
                assertEquals(expectedBackends, backends, "backend map after batch " + batches);
                for (Backend b : dp.activeBackends(vip, 80, Protocol.TCP)) assertNotNull(b);
                assertEquals(List.of(), dp.violations(), "after batch " + batches);
                batches++;
            }
            assertTrue(batches >= 50, "batches: " + batches);
            int elements = controller.applied().tables().values().stream().mapToInt(t -> t.count() + t.maglevSize()).sum();
            assertEquals(elements, dp.tableElements(), "no stale revisions left");
        }
    }

    private static List<Endpoint> endpoints(Set<String> ready, Set<String> terminating) {
        List<Endpoint> out = new ArrayList<>();
        for (String ip : ready) out.add(endpoint(ip, false));
        for (String ip : terminating) out.add(endpoint(ip, true));
        return out;
    }

    private static io.fabric8.kubernetes.api.model.Pod hostPortPod(String ns, String name, String node, String ip, Integer hostPort) {
        return new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("x")
                .addNewPort().withName("http").withContainerPort(8080).withProtocol("TCP").withHostPort(hostPort).endPort()
                .endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewPodIP().withIp(ip).endPodIP().endStatus().build();
    }

    @Test
    void hostPortsOfThisNodesPodsReachTheDatapathAndLeaveWithThePort() throws Exception {
        String ns = "hostports";
        InetAddress any = InetAddress.ofLiteral("192.0.2.1"); // the node's address
        client.pods().inNamespace(ns).resource(hostPortPod(ns, "here", "n1", "10.1.0.5", 8081)).create();
        client.pods().inNamespace(ns).resource(hostPortPod(ns, "there", "n2", "10.2.0.5", 8082)).create();
        // The mock API server matches no pod against a spec.nodeName field selector: watch every pod here (a real server
        // would send this node's only); the other node's pod then shows that the load balancer skips it by itself.
        try (var source = InformerSource.of(client).hostPortsOf("n1", false); var dp = new SimulatedLbDatapath()) {
            var controller = new LbController(LbConfig.forNode("n1").withNodeAddresses(List.of(any)), dp);
            controller.follow(source);
            source.start(Duration.ofSeconds(20));
            await(() -> dp.activeBackends(any, 8081, Protocol.TCP).stream()
                    .anyMatch(b -> b.address().getHostAddress().equals("10.1.0.5") && b.port() == 8080), "this node's host port");
            assertTrue(dp.service(any, 8082, Protocol.TCP).isEmpty(), "another node's pod's host port is not this node's");

            client.pods().inNamespace(ns).resource(hostPortPod(ns, "here", "n1", "10.1.0.5", null)).update();
            await(() -> dp.service(any, 8081, Protocol.TCP).isEmpty(), "the host port to go with the pod's port");
            client.pods().inNamespace(ns).resource(hostPortPod(ns, "here", "n1", "10.1.0.5", 8083)).update();
            await(() -> !dp.activeBackends(any, 8083, Protocol.TCP).isEmpty(), "a new host port");
            client.pods().inNamespace(ns).withName("here").delete();
            await(() -> dp.service(any, 8083, Protocol.TCP).isEmpty(), "the deleted pod's host port to close");
            assertTrue(source.snapshot().services().keySet().stream().noneMatch(n -> n.name().startsWith("here.")),
                    "nothing of the pod is left: " + source.snapshot().services().keySet());
            assertTrue(source.snapshot().slices().keySet().stream().noneMatch(k -> k.startsWith(ns + "/here.")),
                    "nor of its slices: " + source.snapshot().slices().keySet());
        }
    }
}
