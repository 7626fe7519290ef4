package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.internal.KernelObjects;
import dev.ebpf4j.testkit.NetNamespace;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.ebpf4j.k8s.agent.ClusterObjects.Svc;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The node agent's image, loaded into podman from the tar the build makes and run as deploy/daemonset.yaml runs it
 * (see {@link Podman#daemonSetPod}): the ConfigMap's agent.yaml as shipped, the host network of a node namespace,
 * API credentials as a token file where the kubelet mounts it, the API server fabric8's mock (relayed into the node's
 * loopback, refusing any request without that token). Only the test's cgroup and pin directory are set on the command
 * line, so the test never load-balances the whole machine. Readiness turns green, a Service applied to the API serves
 * requests from a pod namespace, {@code podman exec ... ebpf4j service list} shows it, {@code podman stop} leaves the
 * pinned datapath serving, a new container re-adopts its links and follows the API, and {@code --uninstall} in a
 * container removes everything.
 * <p>
 * Runs after package with {@code -Pimage} (the tar is the package's); scripts/run-tests.sh builds so.
 */
@Tag("kernel")
@Tag("container")
class AgentContainerIT {
    private static final Path IMAGE_TAR = Path.of(System.getProperty("ebpf4j.agent.image.tar", "target/ebpf4j-agent-image.tar"));
    private static final String IMAGE = System.getProperty("ebpf4j.agent.image", "localhost/ebpf4j/agent:0.1.0-SNAPSHOT");
    private static final Path SA = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    private static final int HEALTH_PORT = 9890; // the ConfigMap's health.port and the DaemonSet's containerPort

    @Test
    void daemonSetPodServesSurvivesStopIsReadoptedAndUninstalls(@TempDir Path tmp) throws Exception {
        assertTrue(Files.isRegularFile(IMAGE_TAR), IMAGE_TAR + " is missing: build with -Pimage (package makes it)");
        String loaded = Podman.run("load", "-i", IMAGE_TAR.toString()).requireSuccess("podman load").output();
        assertTrue(loaded.contains(IMAGE), "podman load names the image: " + loaded);

        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        String token = "sa-token-" + suffix;
        List<String> containers = new ArrayList<>();
        TokenCheckingDispatcher dispatcher = new TokenCheckingDispatcher(token);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new java.util.HashMap<>(), dispatcher, false);
        server.init();
        try (AgentTestbed bed = new AgentTestbed("e4jpm", 2);
             KubernetesClient api = adminClient(server, dispatcher)) {
            NetNamespace node = bed.topology.namespace("node");
            try (ApiRelay relay = ApiRelay.startIn(node, server.getPort())) {
                Path config = Files.createDirectory(tmp.resolve("config"));
                Files.writeString(config.resolve("agent.yaml"), AgentConfigTest.shippedAgentYaml());
                Path secrets = Files.createDirectory(tmp.resolve("serviceaccount"));
                Files.writeString(secrets.resolve("token"), token);
                Files.writeString(secrets.resolve("namespace"), "ebpf4j-system");
                Path seccomp = tmp.resolve("seccomp.json");
                Podman.Result profile = runScript(seccomp, "deploy/seccomp/bpf-capable-profile.sh");
                assertEquals(0, profile.exit(), profile.output());
                // The DaemonSet's env (NODE_NAME) and where fabric8 finds the API server: the mock speaks plain HTTP, so
                // KUBERNETES_MASTER instead of the KUBERNETES_SERVICE_HOST/PORT (HTTPS) a kubelet sets. The token and
                // namespace come from the mounted service account files, as in a pod.
                List<String> pod = Podman.daemonSetPod(node.path(), seccomp, config, secrets,
                        List.of("NODE_NAME=n1", "KUBERNETES_MASTER=http://127.0.0.1:" + relay.port()));
                List<String> args = List.of("--config", "/etc/ebpf4j/agent.yaml", "--cgroup", bed.cgroup.path().toString(),
                        "--pin-dir", bed.pinDir.toString());
                apply(api, 1, 2);
                try {
                    String first = "e4jpm-agent-1-" + suffix;
                    long t0 = System.nanoTime();
                    start(containers, first, pod, args);
                    awaitReady(node, first);
                    double readySeconds = (System.nanoTime() - t0) / 1e9;
                    assertTrue(dispatcher.authorized.get() > 0, "the agent called the API with the mounted token");
                    assertEquals(0, dispatcher.refused.get(), "every API request carried the service account's token");

                    assertEquals(Set.of("b1", "b2"), served(bed, 40), "the Service applied to the API serves from a pod namespace");
                    String list = Podman.run("exec", first, "ebpf4j", "service", "list", "--pin-dir", bed.pinDir.toString(), "-o", "json")
                            .requireSuccess("podman exec ... ebpf4j service list").output();
                    assertTrue(list.contains("\"frontend\":\"10.96.0.10:80/TCP\"")
                            && list.contains("\"address\":\"10.1.1.1:8080/TCP\",\"state\":\"active\"")
                            && list.contains("\"address\":\"10.1.2.1:8080/TCP\",\"state\":\"active\""), list);
                    // status under the DaemonSet's capabilities: the kernel-wide object count needs SYS_ADMIN and says so,
                    // the agent's own state (read from its pins) is there
                    String status = Podman.run("exec", first, "ebpf4j", "status", "--pin-dir", bed.pinDir.toString())
                            .requireSuccess("podman exec ... ebpf4j status").output();
                    assertTrue(status.contains("needs CAP_SYS_ADMIN") && status.matches("(?s).*Services: +[1-9][0-9]* frontends.*"), status);
                    List<KernelObjects.LinkEntry> links = KernelObjects.cgroupLinks(bed.cgroup.path());
                    assertEquals(8, links.size(), "one link per socket hook on the test's cgroup: " + links);

                    // The kubelet stops a pod with SIGTERM and terminationGracePeriodSeconds (30) before SIGKILL.
                    Podman.run(60, List.of("stop", "-t", "30", first)).requireSuccess("podman stop");
                    assertEquals("false", Podman.run("inspect", "-f", "{{.State.Running}}", first).output().strip());
                    assertEquals(Set.of("b1", "b2"), served(bed, 40), "with the agent's container stopped the pinned datapath serves");
                    Podman.run("rm", first).requireSuccess("podman rm");
                    containers.remove(first);

                    String second = "e4jpm-agent-2-" + suffix;
                    start(containers, second, pod, args);
                    String report = awaitReady(node, second);
                    assertTrue(report.contains("adoptedLinks=8") && report.contains("createdLinks=0"), "the new container re-adopts the pinned links: " + report);
                    List<KernelObjects.LinkEntry> after = KernelObjects.cgroupLinks(bed.cgroup.path());
                    assertEquals(links.stream().map(KernelObjects.LinkEntry::id).collect(java.util.stream.Collectors.toSet()),
                            after.stream().map(KernelObjects.LinkEntry::id).collect(java.util.stream.Collectors.toSet()),
                            "the same links, not new ones");
                    apply(api, 2);
                    awaitServedOnlyBy(bed, "b2");

                    Podman.run(60, List.of("stop", "-t", "30", second)).requireSuccess("podman stop");
                    List<String> uninstall = new ArrayList<>(List.of("run", "--rm"));
                    uninstall.addAll(pod);
                    uninstall.addAll(List.of(IMAGE, "--uninstall", "--config", "/etc/ebpf4j/agent.yaml", "--pin-dir", bed.pinDir.toString()));
                    String out = Podman.run(120, uninstall).requireSuccess("--uninstall in a container").output();
                    assertTrue(out.contains("uninstalled " + bed.pinDir), out);
                    assertFalse(Files.exists(bed.pinDir), "uninstall removes the pin directory");
                    assertEquals(List.of(), KernelObjects.cgroupLinks(bed.cgroup.path()), "uninstall detaches every link");
                    String refused = bed.cgroup.runInside(() -> bed.client.call(() -> {
                        try {
                            return "answered by " + AgentTestbed.request(80);
                        } catch (IOException e) {
                            return e.toString();
                        }
                    }));
                    assertFalse(refused.startsWith("answered"), "without the datapath the VIP is no address: " + refused);
                    System.out.printf("agent container: ready %.1f s after podman run; %d API requests with the mounted token;"
                            + " served through stop; re-adopted (%s); uninstalled%n", readySeconds, dispatcher.authorized.get(), report);
                } catch (Throwable t) {
                    for (String c : containers) t.addSuppressed(new AssertionError("podman logs " + c + ":\n" + Podman.run("logs", c).output()));
                    throw t;
                } finally {
                    for (String c : containers) Podman.run("rm", "-f", "-t", "0", c);
                }
            }
        } finally {
            server.destroy();
        }
    }

    /** The Service web (10.96.0.10:80 to 8080) with the testbed's backends {@code backends}. */
    private static void apply(KubernetesClient api, int... backends) {
        api.services().resource(Svc.clusterIp("web", "10.96.0.10").build()).createOr(op -> op.update());
        api.resource(AgentApiFaultsIT.slice("web", backends)).createOr(op -> op.update());
    }

    private static void start(List<String> containers, String name, List<String> pod, List<String> args) throws Exception {
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", name));
        run.addAll(pod);
        run.add(IMAGE);
        run.addAll(args);
        containers.add(name);
        Podman.run(120, run).requireSuccess("podman run");
    }

    /** Polls /readyz on the node's loopback, as the kubelet's probe does; returns the agent's "ready" line. */
    private static String awaitReady(NetNamespace node, String container) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            Integer status = node.call(() -> {
                try {
                    return HealthServerTest.status(HEALTH_PORT, "GET", "/readyz");
                } catch (IOException notListening) {
                    return null;
                }
            });
            if (status != null && status == 200) break;
            String state = Podman.run("inspect", "-f", "{{.State.Running}}", container).output().strip();
            if (!state.equals("true") || System.nanoTime() > deadline) {
                fail("agent container " + container + " not ready (running: " + state + ", /readyz " + status + "):\n"
                        + Podman.run("logs", container).output());
            }
            Thread.sleep(200);
        }
        return Podman.run("logs", container).output().lines().filter(l -> l.startsWith("ready ")).findFirst()
                .orElseThrow(() -> new AssertionError("/readyz is 200 but the log has no ready line"));
    }

    /** The backends that answer {@code n} requests to the VIP from the client (its sockets in the LB cgroup). */
    private static Set<String> served(AgentTestbed bed, int n) throws Exception {
        return bed.cgroup.runInside(() -> bed.client.call(() -> {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < n; i++) seen.add(AgentTestbed.request(80));
            return seen;
        }));
    }

    private static void awaitServedOnlyBy(AgentTestbed bed, String backend) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!served(bed, 20).equals(Set.of(backend))) {
            assertTrue(System.nanoTime() < deadline, "the API change (only " + backend + ") did not reach the datapath");
            Thread.sleep(200);
        }
    }

    /** Runs a script of the repository with its standard output to {@code out}. */
    private static Podman.Result runScript(Path out, String script) throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
        Process p = new ProcessBuilder(root.resolve(script).toString()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Podman.Result(p.waitFor(), err);
    }

    /** The test's own client, with a token of its own that the dispatcher also accepts. */
    private static KubernetesClient adminClient(KubernetesMockServer server, TokenCheckingDispatcher dispatcher) {
        var base = server.createClient().getConfiguration();
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(base).withOauthToken(dispatcher.admin).build()).build();
    }

    /** The mock API server's CRUD dispatcher, answering 401 to a request without one of its bearer tokens. */
    static final class TokenCheckingDispatcher extends KubernetesCrudDispatcher {
        final String agent;
        final String admin = "test-admin-token";
        final AtomicInteger authorized = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();

        TokenCheckingDispatcher(String agent) {
            this.agent = agent;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String auth = request.getHeader("Authorization");
            if (("Bearer " + agent).equals(auth)) {
                authorized.incrementAndGet();
            } else if (!("Bearer " + admin).equals(auth)) {
                refused.incrementAndGet();
                return new MockResponse().setResponseCode(401).setBody("""
                        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""");
            }
            return super.dispatch(request);
        }
    }
}
