package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.EndpointSliceConverter;
import dev.ebpf4j.k8s.model.HostPortServices;
import dev.ebpf4j.k8s.model.NetworkPolicyConverter;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceConverter;
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
 * Services and EndpointSlices from a directory of YAML or JSON manifests ({@code *.yaml}, {@code *.yml},
 * {@code *.json}; several documents per file separated by {@code ---}, and {@code List} kinds, are fine), for running
 * without a cluster. The directory is watched: after any change the whole directory is re-read and replaces the
 * state at once. A file that fails to parse (say, caught half-written) keeps the objects of its last good version
 * and is logged. Pods contribute their {@code hostPort}s ({@link HostPortServices}; a pod needs {@code status.podIPs} and
 * {@code spec.nodeName} for that). Other kinds are ignored.
 *
 * {@snippet :
 * try (ManifestDirectorySource source = new ManifestDirectorySource(Path.of("manifests"))) {
 *     controller.follow(source);
 *     source.start(Duration.ofSeconds(5));
 * }
 * }
 */
public final class ManifestDirectorySource implements ClusterSource {
    private static final System.Logger LOG = System.getLogger(ManifestDirectorySource.class.getName());

    private record Parsed(List<Service> services, List<EndpointSlice> slices) {
    }

    private final Path directory;
    private final String proxyName;
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final SnapshotStore store = new SnapshotStore("ebpf4j-k8s-manifest-notify");
    private final Map<Path, Parsed> lastGood = new HashMap<>();
    private ManifestFiles watch;
    private volatile boolean closed;

    /** A source over the given directory, which must exist, serving the Services no other proxy claims. */
    public ManifestDirectorySource(Path directory) {
        this(directory, "");
    }

    /**
     * A source over the given directory, which must exist; {@code proxyName} (empty: kube-proxy's rule) as in
     * {@link ServiceConverter#convert(io.fabric8.kubernetes.api.model.Service, String)}.
     */
    public ManifestDirectorySource(Path directory, String proxyName) {
        if (!Files.isDirectory(directory)) throw new IllegalArgumentException("not a directory: " + directory);
        this.directory = directory;
        this.proxyName = proxyName.isEmpty() ? "" : ServiceConverter.checkProxyName(proxyName);
    }

    @Override
    public synchronized void start(Duration timeout) {
        if (closed) throw new IllegalStateException("source is closed");
        if (watch != null) throw new IllegalStateException("source already started");
        // Watch first: a change between the scan and the watch would otherwise go unseen.
        watch = ManifestFiles.watch(directory, this::rescan, "ebpf4j-k8s-manifest-watch");
        rescan();
        store.publishing(true);
    }

    /** Re-reads every manifest and replaces the state; exposed for callers that want a synchronous reload. */
    public synchronized void rescan() {
        var parsed = ManifestFiles.parseAll(directory, lastGood, this::parse, LOG);
        if (parsed.isEmpty()) return;
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (Parsed p : parsed.get()) {
            services.addAll(p.services());
            slices.addAll(p.slices());
        }
        store.replaceAll(services, slices);
    }

    private Parsed parse(String text) {
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (Object o : ManifestFiles.objects(serialization, text)) collect(o, services, slices);
        return new Parsed(services, slices);
    }

    private void collect(Object o, List<Service> services, List<EndpointSlice> slices) {
        switch (o) {
            case io.fabric8.kubernetes.api.model.Service s -> ServiceConverter.convert(s, proxyName).ifPresent(services::add);
            case io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice s -> EndpointSliceConverter.convert(s).ifPresent(slices::add);
            case io.fabric8.kubernetes.api.model.Pod p when PolicyInformerSource.enforceable(p)
                    && (p.getSpec() == null || !Boolean.TRUE.equals(p.getSpec().getHostNetwork())) -> {
                // host ports of every pod: the load balancer forwards those of its own node's pods only
                HostPortServices hp = HostPortServices.of(NetworkPolicyConverter.pod(p));
                services.addAll(hp.services());
                slices.addAll(hp.slices());
            }
            default -> { }
        }
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
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        if (watch != null) watch.close();
        store.close();
    }
}
