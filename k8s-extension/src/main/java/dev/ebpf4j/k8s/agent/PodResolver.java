package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.observe.EndpointIdentity;
import dev.ebpf4j.k8s.observe.EndpointResolver;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pod addresses to pod identities for the agent's flows, from an informer over every Pod of the cluster, so that a
 * flow names remote pods too. Host-network pods are left out: their address is the node's.
 */
final class PodResolver implements EndpointResolver, AutoCloseable {
    private final KubernetesClient client;
    private final SharedIndexInformer<Pod> informer;
    private final Map<InetAddress, EndpointIdentity> byAddress = new ConcurrentHashMap<>();

    private PodResolver(KubernetesClient client) {
        this.client = client;
        this.informer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                put(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                remove(old);
                put(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                remove(pod);
            }
        }, 0);
    }

    /** Watches the API server the agent follows (kubeconfig or in-cluster). */
    static PodResolver connect() {
        KubernetesClient client = new KubernetesClientBuilder().build();
        try {
            return new PodResolver(client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public Optional<EndpointIdentity> resolve(InetAddress address) {
        return Optional.ofNullable(byAddress.get(address));
    }

    private static List<InetAddress> addresses(Pod pod) {
        List<InetAddress> out = new ArrayList<>();
        if (pod.getStatus() == null || (pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork()))) return out;
        List<PodIP> ips = pod.getStatus().getPodIPs();
        try {
            if (ips != null) for (PodIP ip : ips) if (ip.getIp() != null) out.add(InetAddress.ofLiteral(ip.getIp()));
            if (out.isEmpty() && pod.getStatus().getPodIP() != null) out.add(InetAddress.ofLiteral(pod.getStatus().getPodIP()));
        } catch (IllegalArgumentException bad) {
            // a malformed address names no one
        }
        return out;
    }

    private void put(Pod pod) {
        var meta = pod.getMetadata();
        EndpointIdentity id = new EndpointIdentity(meta.getName(), meta.getNamespace() == null ? "default" : meta.getNamespace(),
                meta.getLabels() == null ? Map.of() : meta.getLabels());
        for (InetAddress a : addresses(pod)) byAddress.put(a, id);
    }

    private void remove(Pod pod) {
        for (InetAddress a : addresses(pod)) byAddress.remove(a);
    }

    @Override
    public void close() {
        informer.close();
        client.close();
    }
}
