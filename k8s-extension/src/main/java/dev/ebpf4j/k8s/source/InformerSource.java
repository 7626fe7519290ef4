package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.EndpointSliceConverter;
import dev.ebpf4j.k8s.model.NetworkPolicyConverter;
import dev.ebpf4j.k8s.model.ServiceConverter;
import dev.ebpf4j.k8s.model.ServiceName;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Services and EndpointSlices (and, if asked, this node's pods) from an API server through fabric8 shared informers
 * (all namespaces). Objects the load balancer cannot use (ExternalName Services, Services another proxy serves, FQDN slices, slices without a
 * Service) are skipped; a Service relabelled for another proxy is withdrawn; malformed
 * objects are logged and skipped, so one bad object does not stop the others.
 *
 * {@snippet :
 * try (InformerSource source = InformerSource.connect()) { // kubeconfig, or in-cluster service account
 *     controller.follow(source);
 *     source.start(Duration.ofSeconds(30));
 * }
 * }
 * Requires RBAC {@code list} and {@code watch} on {@code services} and {@code endpointslices.discovery.k8s.io}, and
 * on {@code pods} with {@link #hostPortsOf}: the pods of one node (a field selector), whose {@code hostPort}s become
 * {@link dev.ebpf4j.k8s.model.HostPortServices host-port Services}.
 */
public final class InformerSource implements ClusterSource {

    private final KubernetesClient client;
    private final boolean ownsClient;
    private volatile String proxyName = "";
    private volatile String hostPortNode = "";
    private volatile boolean podFieldSelector = true;
    private final SnapshotStore store = new SnapshotStore("ebpf4j-k8s-informer-notify");
    private SharedIndexInformer<io.fabric8.kubernetes.api.model.Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private SharedIndexInformer<io.fabric8.kubernetes.api.model.Pod> pods;
    private boolean closed;
    private final RejectedObjects rejected = new RejectedObjects();

    private InformerSource(KubernetesClient client, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
    }

    /** A source with a client configured the fabric8 way: {@code KUBECONFIG}/~/.kube/config, else in-cluster. Closes the client on close. */
    public static InformerSource connect() {
        return new InformerSource(new KubernetesClientBuilder().build(), true);
    }

    /** A source over a client the caller owns (and closes). */
    public static InformerSource of(KubernetesClient client) {
        return new InformerSource(client, false);
    }

    /**
     * Serves the Services labelled {@value ServiceConverter#SERVICE_PROXY_NAME_LABEL}{@code =name} instead of the
     * unlabelled ones (kube-proxy's choice, the default). Before {@link #start}.
     */
    public synchronized InformerSource serviceProxyName(String name) {
        if (services != null) throw new IllegalStateException("set the service proxy name before start");
        this.proxyName = ServiceConverter.checkProxyName(name);
        return this;
    }

    /**
     * Also serves the {@code hostPort}s of the pods running on {@code nodeName} (pods with {@code hostNetwork: true}
     * bind the node's port themselves and finished pods none). Before {@link #start}.
     */
    public InformerSource hostPortsOf(String nodeName) {
        return hostPortsOf(nodeName, true);
    }

    /**
     * {@link #hostPortsOf(String)}, optionally without the server-side {@code spec.nodeName} field selector (the
     * fabric8 mock server does not implement it); the load balancer skips other nodes' host ports either way.
     */
    synchronized InformerSource hostPortsOf(String nodeName, boolean fieldSelector) {
        if (services != null) throw new IllegalStateException("set the host-port node before start");
        if (nodeName == null || nodeName.isEmpty()) throw new IllegalArgumentException("hostPortsOf needs this node's name");
        this.hostPortNode = nodeName;
        this.podFieldSelector = fieldSelector;
        return this;
    }

    @Override
    public synchronized void start(Duration timeout) {
        if (closed) throw new IllegalStateException("source is closed");
        if (services != null) throw new IllegalStateException("source already started");
        services = client.services().inAnyNamespace().runnableInformer(0);
        services.addEventHandler(rejected.handler(s -> ServiceConverter.convert(s, proxyName).ifPresentOrElse(store::putService,
                        () -> store.removeService(name(s))),
                s -> store.removeService(name(s))));
        slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
        slices.addEventHandler(rejected.handler(s -> EndpointSliceConverter.convert(s).ifPresentOrElse(store::putSlice,
                        () -> store.removeSlice(key(s))),
                s -> store.removeSlice(key(s))));
        CompletableFuture<?> podsStarted = CompletableFuture.completedFuture(null);
        if (!hostPortNode.isEmpty()) {
            HostPortPods hostPorts = new HostPortPods(store);
            pods = podFieldSelector
                    ? client.pods().inAnyNamespace().withField("spec.nodeName", hostPortNode).runnableInformer(0)
                    : client.pods().inAnyNamespace().runnableInformer(0);
            pods.addEventHandler(rejected.handler(p -> {
                if (PolicyInformerSource.enforceable(p) && !hostNetwork(p)) hostPorts.put(NetworkPolicyConverter.pod(p));
                else hostPorts.remove(podKey(p));
            }, p -> hostPorts.remove(podKey(p))));
            podsStarted = pods.start().toCompletableFuture();
        }
        try {
            CompletableFuture.allOf(services.start().toCompletableFuture(), slices.start().toCompletableFuture(), podsStarted)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("informers did not finish their initial list within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("informers failed to start: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting informers", e);
        }
        store.publishing(true);
    }

    private static ServiceName name(io.fabric8.kubernetes.api.model.Service s) {
        return new ServiceName(s.getMetadata().getNamespace(), s.getMetadata().getName());
    }

    private static boolean hostNetwork(io.fabric8.kubernetes.api.model.Pod p) {
        return p.getSpec() != null && Boolean.TRUE.equals(p.getSpec().getHostNetwork());
    }

    private static String podKey(io.fabric8.kubernetes.api.model.Pod p) {
        String ns = p.getMetadata().getNamespace();
        return (ns == null ? "default" : ns) + "/" + p.getMetadata().getName();
    }

    private static String key(EndpointSlice s) {
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }

    @Override
    public java.util.Map<String, String> rejected() {
        return rejected.snapshot();
    }

    /** Whether both informers' watches are open (fabric8 re-lists and re-watches with backoff after an outage). */
    @Override
    public synchronized boolean connected() {
        return services != null && !closed && services.isWatching() && slices.isWatching()
                && (pods == null || pods.isWatching());
    }

    @Override
    public ClusterSnapshot snapshot() {
        return store.snapshot();
    }

    @Override
    public void addListener(Consumer<ClusterSnapshot> listener) {
        store.addListener(listener);
    }

    @Override
    public void addDeltaListener(Consumer<ClusterDelta> listener) {
        store.addDeltaListener(listener);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (services != null) services.close();
        if (slices != null) slices.close();
        if (pods != null) pods.close();
        store.close();
        if (ownsClient) client.close();
    }
}
