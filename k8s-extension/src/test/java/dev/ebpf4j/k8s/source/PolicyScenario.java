package dev.ebpf4j.k8s.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The NetworkPolicy scenario the source and enforcement tests share: namespaces {@code shop} (pods {@code web}, {@code db})
 * and {@code other} (pod {@code client}) on node {@code node-1}, a default-deny and an allow policy, and the changes
 * that flip verdicts. {@link Cluster} applies objects through the API server or as manifest files.
 */
public final class PolicyScenario {
    /** The node all pods are on. */
    public static final String NODE = "node-1";
    /** Pod keys and addresses. */
    public static final Map<String, String> PODS = Map.of("shop/web", "10.0.2.1", "shop/db", "10.0.2.2", "other/client", "10.0.3.1");
    /** Pod keys in a fixed order. */
    public static final List<String> POD_KEYS = List.of("shop/web", "shop/db", "other/client");

    private PolicyScenario() {
    }

    /** Where a test puts objects: an API server or a manifest directory. */
    public interface Cluster {
        /** Creates or replaces. */
        void put(HasMetadata object);

        /** Deletes. */
        void delete(HasMetadata object);
    }

    /** @return a cluster over an API server client */
    public static Cluster api(KubernetesClient client) {
        return new Cluster() {
            @Override
            public void put(HasMetadata object) {
                client.resource(object).createOr(NonDeletingOperation::update);
            }

            @Override
            public void delete(HasMetadata object) {
                client.resource(object).delete();
            }
        };
    }

    /** @return a cluster of one manifest file per object in {@code dir}, each written whole (temp file, then rename) */
    public static Cluster manifests(Path dir) {
        KubernetesSerialization yaml = new KubernetesSerialization();
        return new Cluster() {
            @Override
            public void put(HasMetadata object) {
                try {
                    Path tmp = dir.resolve("." + file(object) + ".tmp");
                    Files.writeString(tmp, yaml.asYaml(object));
                    Files.move(tmp, dir.resolve(file(object)), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void delete(HasMetadata object) {
                try {
                    Files.deleteIfExists(dir.resolve(file(object)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static String file(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return o.getKind().toLowerCase() + "-" + (ns == null ? "" : ns + "-") + o.getMetadata().getName() + ".yaml";
    }

    /** A namespace with one label. */
    public static Namespace namespace(String name, String team) {
        return new NamespaceBuilder().withNewMetadata().withName(name).addToLabels("team", team).endMetadata().build();
    }

    /** A running pod on {@link #NODE} with the scenario's address, one label {@code app} and a port named http (80). */
    public static Pod pod(String key, String app) {
        String[] k = key.split("/");
        String ip = PODS.get(key);
        return new PodBuilder().withNewMetadata().withNamespace(k[0]).withName(k[1]).addToLabels("app", app).endMetadata()
                .withNewSpec().withNodeName(NODE).addNewContainer().withName("main").withImage("example")
                .addNewPort().withName("http").withContainerPort(80).withProtocol("TCP").endPort().endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip).addNewPodIP().withIp(ip).endPodIP().endStatus().build();
    }

    /** {@code shop/default-deny}: isolates every pod of shop for ingress. */
    public static NetworkPolicy defaultDeny() {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop").withName("default-deny").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec().build();
    }

    /** {@code shop/db-from-web}: db accepts TCP 80 from web, and from namespaces labelled team=other when asked. */
    public static NetworkPolicy dbFromWeb(boolean alsoOtherTeam) {
        List<NetworkPolicyPeer> peers = new java.util.ArrayList<>();
        peers.add(new NetworkPolicyPeerBuilder().withNewPodSelector().addToMatchLabels("app", "web").endPodSelector().build());
        if (alsoOtherTeam) {
            peers.add(new NetworkPolicyPeerBuilder().withNewNamespaceSelector().addToMatchLabels("team", "other")
                    .endNamespaceSelector().build());
        }
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop").withName("db-from-web").endMetadata()
                .withNewSpec().withNewPodSelector().addToMatchLabels("app", "db").endPodSelector().withPolicyTypes("Ingress")
                .addNewIngress().withFrom(peers).addNewPort().withProtocol("TCP").withPort(new IntOrString(80)).endPort()
                .endIngress().endSpec().build();
    }

    /** Creates the namespaces and pods (no policies). */
    public static void populate(Cluster cluster) {
        cluster.put(namespace("shop", "shop"));
        cluster.put(namespace("other", "other"));
        cluster.put(pod("shop/web", "web"));
        cluster.put(pod("shop/db", "db"));
        cluster.put(pod("other/client", "client"));
    }

    /**
     * A connection the step expects allowed or denied.
     *
     * @param from     source pod key
     * @param to       destination pod key
     * @param port     destination port
     * @param protocol TCP or UDP
     * @param allowed  the expected verdict
     */
    public record Expect(String from, String to, int port, String protocol, boolean allowed) {
        @Override
        public String toString() {
            return from + " -> " + to + ":" + port + "/" + protocol + (allowed ? " allowed" : " denied");
        }
    }

    /**
     * One change and what it must lead to.
     *
     * @param name    what changes
     * @param change  the change
     * @param seen    true once a source's state reflects it
     * @param expects verdicts after it (checked against the evaluator and the datapath)
     */
    public record Step(String name, java.util.function.Consumer<Cluster> change,
                       java.util.function.Predicate<dev.ebpf4j.k8s.policy.ClusterState> seen, List<Expect> expects) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static boolean hasPolicy(dev.ebpf4j.k8s.policy.ClusterState s, String key) {
        return s.policies().stream().anyMatch(p -> p.key().equals(key));
    }

    private static Expect allow(String from, String to, int port) {
        return new Expect(from, to, port, "TCP", true);
    }

    private static Expect deny(String from, String to, int port) {
        return new Expect(from, to, port, "TCP", false);
    }

    /** @return the scenario after {@link #populate}: add, modify and delete policies, relabel a namespace and a pod */
    public static List<Step> steps() {
        return List.of(
                new Step("no policies", c -> { },
                        s -> s.pods().size() == 3 && s.namespaces().size() == 2 && s.policies().isEmpty(),
                        List.of(allow("other/client", "shop/db", 80), allow("shop/web", "shop/db", 81),
                                new Expect("other/client", "shop/web", 80, "UDP", true))),
                new Step("default-deny added", c -> c.put(defaultDeny()), s -> hasPolicy(s, "shop/default-deny"),
                        List.of(deny("other/client", "shop/web", 80), deny("shop/web", "shop/db", 80),
                                deny("other/client", "shop/db", 80), allow("shop/db", "other/client", 80),
                                new Expect("other/client", "shop/web", 80, "UDP", false))),
                new Step("db-from-web added", c -> c.put(dbFromWeb(false)), s -> hasPolicy(s, "shop/db-from-web"),
                        List.of(allow("shop/web", "shop/db", 80), deny("shop/web", "shop/db", 81),
                                deny("other/client", "shop/db", 80))),
                // region flip
                new Step("db-from-web modified to admit team=other", c -> c.put(dbFromWeb(true)),
                        s -> s.policies().stream().anyMatch(p -> p.key().equals("shop/db-from-web")
                                && p.rules(dev.ebpf4j.k8s.model.PolicyType.INGRESS).getFirst().peers().size() == 2),
                        List.of(allow("other/client", "shop/db", 80), deny("other/client", "shop/db", 81),
                                allow("shop/web", "shop/db", 80))),
                // endregion
                new Step("namespace other relabelled team=elsewhere", c -> c.put(namespace("other", "elsewhere")),
                        s -> "elsewhere".equals(s.namespace("other").labels().get("team")),
                        List.of(deny("other/client", "shop/db", 80), allow("shop/web", "shop/db", 80))),
                new Step("pod web relabelled app=frontend", c -> c.put(pod("shop/web", "frontend")),
                        s -> "frontend".equals(s.pod("shop", "web").labels().get("app")),
                        List.of(deny("shop/web", "shop/db", 80), deny("other/client", "shop/db", 80))),
                new Step("default-deny deleted", c -> c.delete(defaultDeny()), s -> !hasPolicy(s, "shop/default-deny"),
                        List.of(allow("other/client", "shop/web", 80), deny("shop/web", "shop/db", 80))),
                new Step("db-from-web deleted", c -> c.delete(dbFromWeb(true)), s -> s.policies().isEmpty(),
                        List.of(allow("shop/web", "shop/db", 80), allow("other/client", "shop/db", 81))));
    }
}
