package dev.ebpf4j.release;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parses every manifest under deploy/ and checks the node agent's RBAC, security context and wiring. */
class DeployManifestsTest {
    static final Path DEPLOY = Build.ROOT.resolve("deploy");
    /** Exactly what the agent needs; deploy/README.md says why for each. */
    static final Set<String> CAPABILITIES = Set.of("BPF", "NET_ADMIN", "PERFMON");
    static final Set<String> READ_VERBS = Set.of("get", "list", "watch");
    static final String NAMESPACE = "ebpf4j-system";

    static final List<Map<String, Object>> docs = new ArrayList<>();

    @BeforeAll
    static void parse() throws IOException {
        try (var files = Files.list(DEPLOY)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
                for (Object doc : yaml.loadAll(Files.readString(f))) {
                    if (doc == null) continue;
                    Map<String, Object> m = map(doc, f.toString());
                    m.put("__file", f.getFileName().toString());
                    docs.add(m);
                }
            }
        }
        assertFalse(docs.isEmpty(), "no manifests in " + DEPLOY);
    }

    @Test
    void everyObjectHasApiVersionKindAndNameAndNamespacedOnesUseTheAgentNamespace() {
        Set<String> clusterScoped = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "Kustomization");
        for (Map<String, Object> d : docs) {
            String where = d.get("__file") + " " + d.get("kind");
            assertNotNull(d.get("apiVersion"), where + ": apiVersion");
            assertNotNull(d.get("kind"), where + ": kind");
            if (d.get("kind").equals("Kustomization")) continue;
            Map<String, Object> meta = map(d.get("metadata"), where + " metadata");
            assertNotNull(meta.get("name"), where + ": metadata.name");
            if (!clusterScoped.contains(d.get("kind"))) assertEquals(NAMESPACE, meta.get("namespace"), where + ": namespace");
        }
        Set<String> kinds = new HashSet<>();
        docs.forEach(d -> kinds.add((String) d.get("kind")));
        assertTrue(kinds.containsAll(Set.of("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding",
                "ConfigMap", "DaemonSet")), "missing kinds, have " + kinds);
    }

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        Map<String, Object> k = one("Kustomization", null);
        Set<String> listed = new HashSet<>(strings(k.get("resources")));
        try (var files = Files.list(DEPLOY)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                String name = f.getFileName().toString();
                if (!name.equals("kustomization.yaml")) assertTrue(listed.contains(name), name + " is not in kustomization.yaml");
            }
        }
    }

    @Test
    void clusterRoleOnlyReadsWhatTheAgentWatches() {
        Map<String, Object> role = one("ClusterRole", "ebpf4j-agent");
        // resource (group/name) -> verbs; exactly these, nothing else.
        Map<String, Set<String>> expected = Map.of(
                "/services", READ_VERBS, "/pods", READ_VERBS, "/namespaces", READ_VERBS, "/nodes", Set.of("get"),
                "discovery.k8s.io/endpointslices", READ_VERBS, "networking.k8s.io/networkpolicies", READ_VERBS);
        Map<String, Set<String>> actual = new java.util.HashMap<>();
        for (Object o : list(role.get("rules"), "rules")) {
            Map<String, Object> rule = map(o, "rule");
            assertFalse(rule.containsKey("nonResourceURLs"), "no non-resource URLs");
            List<String> verbs = strings(rule.get("verbs"));
            for (String group : strings(rule.get("apiGroups"))) {
                for (String resource : strings(rule.get("resources"))) {
                    assertFalse(group.contains("*") || resource.contains("*"), "wildcard in " + rule);
                    assertTrue(actual.put(group + "/" + resource, new HashSet<>(verbs)) == null, "duplicate rule for " + resource);
                }
            }
            for (String verb : verbs) {
                assertNotEquals("*", verb, "wildcard verb in " + rule);
                assertTrue(READ_VERBS.contains(verb), "write verb '" + verb + "' in " + rule);
            }
        }
        assertEquals(expected, actual);
    }

    @Test
    void bindingGivesTheRoleToTheAgentsServiceAccount() {
        Map<String, Object> binding = one("ClusterRoleBinding", "ebpf4j-agent");
        Map<String, Object> roleRef = map(binding.get("roleRef"), "roleRef");
        assertEquals("ClusterRole", roleRef.get("kind"));
        assertEquals("ebpf4j-agent", roleRef.get("name"));
        List<Object> subjects = list(binding.get("subjects"), "subjects");
        assertEquals(1, subjects.size());
        Map<String, Object> subject = map(subjects.getFirst(), "subject");
        assertEquals("ServiceAccount", subject.get("kind"));
        assertEquals(NAMESPACE, subject.get("namespace"));
        one("ServiceAccount", (String) subject.get("name"));
        assertEquals(subject.get("name"), podSpec().get("serviceAccountName"));
    }

    @Test
    void daemonSetRunsOnEveryNodeAsCriticalWithHostNetworkButNotHostPid() {
        Map<String, Object> ds = one("DaemonSet", "ebpf4j-agent");
        Map<String, Object> spec = map(ds.get("spec"), "spec");
        Map<String, Object> selector = map(map(spec.get("selector"), "selector").get("matchLabels"), "matchLabels");
        Map<String, Object> labels = map(map(map(spec.get("template"), "template").get("metadata"), "metadata").get("labels"), "labels");
        selector.forEach((k, v) -> assertEquals(v, labels.get(k), "selector label " + k + " not on the pod template"));
        Map<String, Object> pod = podSpec();
        assertEquals((Object) Boolean.TRUE, pod.get("hostNetwork"));
        assertNotEquals(Boolean.TRUE, pod.get("hostPID"), "hostPID is not needed");
        assertNotEquals(Boolean.TRUE, pod.get("hostIPC"), "hostIPC is not needed");
        assertEquals("system-node-critical", pod.get("priorityClassName"));
        List<Object> tolerations = list(pod.get("tolerations"), "tolerations");
        assertTrue(tolerations.stream().anyMatch(t -> "Exists".equals(map(t, "toleration").get("operator"))
                && !map(t, "toleration").containsKey("key")), "needs a toleration for every taint");
    }

    @Test
    void containerAsksForExactlyTheCapabilitiesItNeedsAndIsNotPrivileged() {
        Map<String, Object> pod = podSpec();
        List<Object> all = new ArrayList<>(list(pod.get("containers"), "containers"));
        if (pod.get("initContainers") != null) all.addAll(list(pod.get("initContainers"), "initContainers"));
        for (Object o : all) {
            Map<String, Object> c = map(o, "container");
            Map<String, Object> sc = map(c.get("securityContext"), c.get("name") + " securityContext");
            assertNotEquals(Boolean.TRUE, sc.get("privileged"), c.get("name") + " must not be privileged");
            assertEquals((Object) Boolean.FALSE, sc.get("allowPrivilegeEscalation"), "" + c.get("name"));
            Map<String, Object> caps = map(sc.get("capabilities"), "capabilities");
            assertEquals(List.of("ALL"), strings(caps.get("drop")), c.get("name") + " drops ALL");
            List<String> added = strings(caps.get("add"));
            assertEquals(added.size(), new HashSet<>(added).size(), "duplicate capability");
            added.forEach(a -> assertFalse(a.startsWith("CAP_"), "Kubernetes capability names have no CAP_ prefix: " + a));
            assertEquals(CAPABILITIES, new HashSet<>(added), c.get("name") + " capabilities");
            assertFalse(added.contains("SYS_ADMIN"));
        }
    }

    @Test
    void agentContainerHasImageProbesResourcesAndMounts() {
        Map<String, Object> pod = podSpec();
        Map<String, Object> agent = map(list(pod.get("containers"), "containers").getFirst(), "agent");
        assertTrue(((String) agent.get("image")).startsWith("ebpf4j/agent:"), "image " + agent.get("image"));
        Set<Object> portNames = new HashSet<>();
        Set<Object> portNumbers = new HashSet<>();
        for (Object p : list(agent.get("ports"), "ports")) {
            portNames.add(map(p, "port").get("name"));
            portNumbers.add(map(p, "port").get("containerPort"));
        }
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(map(agent.get(probe), probe).get("httpGet"), probe + ".httpGet");
            Object port = get.get("port");
            assertTrue(portNames.contains(port) || portNumbers.contains(port), probe + " port " + port + " is not declared");
            assertTrue(((String) get.get("path")).startsWith("/"), probe + " path");
        }
        Map<String, Object> resources = map(agent.get("resources"), "resources");
        assertNotNull(map(resources.get("requests"), "requests").get("cpu"));
        assertNotNull(map(resources.get("requests"), "requests").get("memory"));
        assertNotNull(map(resources.get("limits"), "limits").get("memory"));

        Map<String, Map<String, Object>> volumes = new java.util.HashMap<>();
        for (Object v : list(pod.get("volumes"), "volumes")) volumes.put((String) map(v, "volume").get("name"), map(v, "volume"));
        Map<String, Map<String, Object>> mounts = new java.util.HashMap<>();
        for (Object m : list(agent.get("volumeMounts"), "volumeMounts")) {
            Map<String, Object> mount = map(m, "mount");
            assertTrue(volumes.containsKey(mount.get("name")), "mount of undeclared volume " + mount.get("name"));
            mounts.put((String) mount.get("mountPath"), mount);
        }
        assertHostPath(volumes, mounts, "/sys/fs/bpf", false);
        // Bidirectional propagation is only allowed for privileged containers; pins need the host's mount to be visible.
        assertEquals("HostToContainer", mounts.get("/sys/fs/bpf").get("mountPropagation"));
        assertHostPath(volumes, mounts, "/sys/fs/cgroup", true);
        assertHostPath(volumes, mounts, "/sys/kernel/btf", true);

        String configVolume = (String) mounts.get("/etc/ebpf4j").get("name");
        String configMap = (String) map(volumes.get(configVolume).get("configMap"), "configMap").get("name");
        Map<String, Object> cm = one("ConfigMap", configMap);
        String agentYaml = (String) map(cm.get("data"), "data").get("agent.yaml");
        Map<String, Object> config = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(agentYaml), "agent.yaml");
        for (String key : List.of("mode", "clusterCIDRs", "bpffs", "flows", "health")) assertTrue(config.containsKey(key), "config lacks " + key);
        assertEquals("/sys/fs/bpf", config.get("bpffs"));
        assertTrue(portNumbers.contains(map(config.get("health"), "health").get("port")), "health port differs from the container port");
    }

    private static void assertHostPath(Map<String, Map<String, Object>> volumes, Map<String, Map<String, Object>> mounts,
                                       String path, boolean readOnly) {
        Map<String, Object> mount = mounts.get(path);
        assertNotNull(mount, "no mount at " + path);
        Map<String, Object> hostPath = map(volumes.get(mount.get("name")).get("hostPath"), path + " hostPath");
        assertEquals(path, hostPath.get("path"));
        if (readOnly) assertEquals((Object) Boolean.TRUE, mount.get("readOnly"), path + " must be read-only");
    }

    private static Map<String, Object> podSpec() {
        Map<String, Object> spec = map(one("DaemonSet", "ebpf4j-agent").get("spec"), "spec");
        return map(map(spec.get("template"), "template").get("spec"), "pod spec");
    }

    private static Map<String, Object> one(String kind, String name) {
        List<Map<String, Object>> found = docs.stream().filter(d -> kind.equals(d.get("kind")))
                .filter(d -> name == null || name.equals(map(d.get("metadata"), "metadata").get("name"))).toList();
        assertEquals(1, found.size(), "expected one " + kind + " " + name);
        return found.getFirst();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        assertTrue(o instanceof Map, what + " is not a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) {
        assertTrue(o instanceof List, what + " is not a list: " + o);
        return (List<Object>) o;
    }

    static List<String> strings(Object o) {
        return list(o, "list").stream().map(String::valueOf).toList();
    }
}
