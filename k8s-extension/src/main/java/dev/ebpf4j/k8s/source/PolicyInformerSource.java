package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.NetworkPolicyConverter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Namespaces, Pods and NetworkPolicies ({@code networking.k8s.io/v1}) from an API server through three fabric8
 * shared informers (all namespaces), as {@link PolicySnapshot}s. Every pod of the cluster is kept, not only this
 * node's: policies select peers anywhere by label. Pods with {@code hostNetwork: true} and finished pods (phase
 * {@code Succeeded}/{@code Failed}, whose addresses may already belong to a new pod) are left out; a malformed object
 * is logged once and skipped (for an update, its previous version removed) and listed in {@link #rejected()}, so one
 * bad object does not stop the others.
 *
 * {@snippet :
 * try (PolicyInformerSource source = PolicyInformerSource.connect()) { // kubeconfig, or in-cluster service account
 *     enforcer.follow(source);
 *     source.start(Duration.ofSeconds(30));
 * }
 * }
 * Requires RBAC {@code list} and {@code watch} on {@code namespaces}, {@code pods} and
 * {@code networkpolicies.networking.k8s.io}.
 */
public final class PolicyInformerSource implements PolicySource {

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final PolicyStore store = new PolicyStore("ebpf4j-k8s-policy-informer-notify");
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final RejectedObjects rejected = new RejectedObjects();
    private boolean started;
    private boolean closed;

    private PolicyInformerSource(KubernetesClient client, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
    }

    /**
     * @return a source with a client configured the fabric8 way ({@code KUBECONFIG}/~/.kube/config, else in-cluster);
     *     closing the source closes the client
     */
    public static PolicyInformerSource connect() {
        return new PolicyInformerSource(new KubernetesClientBuilder().build(), true);
    }

    /**
     * @param client a client the caller owns (and closes)
     * @return a source over it
     */
    public static PolicyInformerSource of(KubernetesClient client) {
        return new PolicyInformerSource(client, false);
    }

    @Override
    public synchronized void start(Duration timeout) {
        if (closed) throw new IllegalStateException("source is closed");
        if (started) throw new IllegalStateException("source already started");
        started = true;
        var namespaces = client.namespaces().runnableInformer(0);
        namespaces.addEventHandler(rejected.handler(n -> store.putNamespace(NetworkPolicyConverter.namespace(n)),
                n -> store.removeNamespace(n.getMetadata().getName())));
        var pods = client.pods().inAnyNamespace().runnableInformer(0);
        pods.addEventHandler(rejected.handler(p -> {
            if (enforceable(p)) store.putPod(NetworkPolicyConverter.pod(p));
            else store.removePod(key(p));
        }, p -> store.removePod(key(p))));
        var policies = client.network().v1().networkPolicies().inAnyNamespace().runnableInformer(0);
        policies.addEventHandler(rejected.handler(p -> store.putPolicy(NetworkPolicyConverter.networkPolicy(p)),
                p -> store.removePolicy(key(p))));
        informers.addAll(List.of(namespaces, pods, policies));
        try {
            CompletableFuture.allOf(informers.stream().map(i -> i.start().toCompletableFuture())
                            .toArray(CompletableFuture[]::new))
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

    /** Whether NetworkPolicy applies to the pod: not host-network, not finished. */
    static boolean enforceable(Pod pod) {
        if (pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) return false;
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    private static String key(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return (ns == null ? "default" : ns) + "/" + o.getMetadata().getName();
    }

    @Override
    public PolicySnapshot snapshot() {
        return store.snapshot();
    }

    @Override
    public java.util.Map<String, String> rejected() {
        return rejected.snapshot();
    }

    @Override
    public void addListener(Consumer<PolicySnapshot> listener) {
        store.addListener(listener);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        informers.forEach(SharedIndexInformer::close);
        store.close();
        if (ownsClient) client.close();
    }
}
