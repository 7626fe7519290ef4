package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.EndpointSliceConverter;
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
 * Services and EndpointSlices from an API server through two fabric8 shared informers (all namespaces). Objects the
 * load balancer cannot use (ExternalName Services, Services another proxy serves, FQDN slices, slices without a
 * Service) are skipped; a Service relabelled for another proxy is withdrawn; malformed
 * objects are logged and skipped, so one bad object does not stop the others.
 *
 * {@snippet :
 * try (InformerSource source = InformerSource.connect()) { // kubeconfig, or in-cluster service account
 *     controller.follow(source);
 *     source.start(Duration.ofSeconds(30));
 * }
 * }
 * Requires RBAC {@code list} and {@code watch} on {@code services} and {@code endpointslices.discovery.k8s.io}.
 */
public final class InformerSource implements ClusterSource {

    private final KubernetesClient client;
    private final boolean ownsClient;
    private volatile String proxyName = "";
    private final SnapshotStore store = new SnapshotStore("ebpf4j-k8s-informer-notify");
    private SharedIndexInformer<io.fabric8.kubernetes.api.model.Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
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
        try {
            CompletableFuture.allOf(services.start().toCompletableFuture(), slices.start().toCompletableFuture())
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
        return services != null && !closed && services.isWatching() && slices.isWatching();
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
        store.close();
        if (ownsClient) client.close();
    }
}
