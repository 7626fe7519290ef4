package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyConverter;
import dev.ebpf4j.k8s.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Namespaces, Pods and NetworkPolicies ({@code networking.k8s.io/v1}) from a directory of YAML or JSON manifests, for
 * enforcing policy without a cluster. Files are read like {@link ManifestDirectorySource} reads them (several
 * documents per file, {@code List} kinds, other kinds ignored, a file that fails to parse keeps its last good
 * version), so one directory can feed both. The directory is watched; every change re-reads it whole and replaces
 * the state at once.
 *
 * <p>Namespaces get the {@code kubernetes.io/metadata.name} label, as the API server would set it. A pod needs
 * {@code spec.nodeName} and {@code status.podIPs} (or {@code status.podIP}) to be enforced or to be matched as a
 * peer; pods with {@code hostNetwork: true} and finished pods (phase {@code Succeeded}/{@code Failed}) are left out,
 * as NetworkPolicy does not apply to them.
 *
 * {@snippet :
 * try (PolicyManifestSource source = new PolicyManifestSource(Path.of("manifests"))) {
 *     source.addListener(snapshot -> System.out.println(snapshot.state().policies()));
 *     source.start(Duration.ofSeconds(5));
 * }
 * }
 */
public final class PolicyManifestSource implements PolicySource {
    private static final System.Logger LOG = System.getLogger(PolicyManifestSource.class.getName());

    private record Parsed(List<Namespace> namespaces, List<Pod> pods, List<NetworkPolicy> policies) {
    }

    private final Path directory;
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final PolicyStore store = new PolicyStore("ebpf4j-k8s-policy-manifest-notify");
    private final Map<Path, Parsed> lastGood = new HashMap<>();
    private ManifestFiles watch;
    private boolean closed;

    /**
     * @param directory the manifest directory, which must exist
     * @throws IllegalArgumentException if it is not a directory
     */
    public PolicyManifestSource(Path directory) {
        if (!Files.isDirectory(directory)) throw new IllegalArgumentException("not a directory: " + directory);
        this.directory = directory;
    }

    @Override
    public synchronized void start(Duration timeout) {
        if (closed) throw new IllegalStateException("source is closed");
        if (watch != null) throw new IllegalStateException("source already started");
        // Watch first: a change between the scan and the watch would otherwise go unseen.
        watch = ManifestFiles.watch(directory, this::rescan, "ebpf4j-k8s-policy-manifest-watch");
        rescan();
        store.publishing(true);
    }

    /** Re-reads every manifest and replaces the state; for callers that want a synchronous reload. */
    public synchronized void rescan() {
        var parsed = ManifestFiles.parseAll(directory, lastGood, this::parse, LOG);
        if (parsed.isEmpty()) return;
        List<Namespace> namespaces = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        List<NetworkPolicy> policies = new ArrayList<>();
        for (Parsed p : parsed.get()) {
            namespaces.addAll(p.namespaces());
            pods.addAll(p.pods());
            policies.addAll(p.policies());
        }
        store.replaceAll(namespaces, pods, policies);
    }

    private Parsed parse(String text) {
        List<Namespace> namespaces = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        List<NetworkPolicy> policies = new ArrayList<>();
        for (Object o : ManifestFiles.objects(serialization, text)) {
            switch (o) {
                case io.fabric8.kubernetes.api.model.Namespace n -> {
                    Namespace converted = NetworkPolicyConverter.namespace(n);
                    namespaces.add(Namespace.of(converted.name(), converted.labels()));
                }
                case io.fabric8.kubernetes.api.model.Pod p -> {
                    if (PolicyInformerSource.enforceable(p)) pods.add(NetworkPolicyConverter.pod(p));
                }
                case io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy p ->
                        policies.add(NetworkPolicyConverter.networkPolicy(p));
                default -> { }
            }
        }
        return new Parsed(namespaces, pods, policies);
    }

    @Override
    public PolicySnapshot snapshot() {
        return store.snapshot();
    }

    @Override
    public void addListener(Consumer<PolicySnapshot> listener) {
        store.addListener(listener);
    }

    @Override
    public void close() {
        ManifestFiles w;
        synchronized (this) {
            if (closed) return;
            closed = true;
            w = watch;
        }
        if (w != null) w.close();
        store.close();
    }
}
