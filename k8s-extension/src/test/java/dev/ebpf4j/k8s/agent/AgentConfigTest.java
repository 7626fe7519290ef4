package dev.ebpf4j.k8s.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

class AgentConfigTest {
    /** The ConfigMap the DaemonSet mounts: what ships must parse. */
    static String shippedAgentYaml() throws IOException {
        Path cm = Path.of(System.getProperty("user.dir")).resolve("../deploy/configmap.yaml").normalize();
        Map<?, ?> doc = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(cm));
        return (String) ((Map<?, ?>) doc.get("data")).get("agent.yaml");
    }

    @Test
    void shippedConfigMapMapsOntoTheOptions(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("agent.yaml"), shippedAgentYaml());
        AgentOptions o = AgentOptions.parse("--config", file.toString());
        assertTrue(o.kubernetes());
        assertEquals(Optional.empty(), o.manifests());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup")), o.cgroup());
        assertEquals(Path.of("/sys/fs/bpf/ebpf4j"), o.pinDir());
        assertEquals(OptionalInt.of(9890), o.healthPort());
        assertEquals(Map.of(), o.maxEntries());
        assertFalse(o.uninstall());
        assertEquals(dev.ebpf4j.k8s.conntrack.ConntrackTimeouts.defaults(), o.conntrack(), "the shipped values are the defaults");
    }

    @Test
    void conntrackSection(@TempDir Path tmp) throws IOException {
        var c = AgentConfig.parse("conntrack: {tcpEstablished: 2h, tcpClosing: 500ms}\n", "t").conntrack();
        assertEquals(java.time.Duration.ofHours(2), c.tcpEstablished());
        assertEquals(java.time.Duration.ofMillis(500), c.tcpClosing());
        assertEquals(java.time.Duration.ofSeconds(60), c.tcpSyn(), "unnamed timeouts keep their default");
        Path file = Files.writeString(tmp.resolve("agent.yaml"), "conntrack: {other: 30s}\n");
        assertEquals(java.time.Duration.ofSeconds(30), AgentOptions.parse("--config", file.toString(), "--manifests", "/m",
                "--cgroup", "/c").conntrack().other());
        assertMessage("conntrack timeout tcpSyn must be positive, got PT0S", "conntrack: {tcpSyn: 0s}\n");
        assertMessage("conntrack.other must be a duration such as 60s, 10m, 6h or 500ms, got '-5s'", "conntrack: {other: -5s}\n");
        assertMessage("conntrack.tcpClosing must be a duration such as 60s", "conntrack: {tcpClosing: soon}\n");
        assertMessage("conntrack.tcpSyn must be a string, got number 60", "conntrack: {tcpSyn: 60}\n");
        assertMessage("unknown key 'conntrack.udp'", "conntrack: {udp: 60s}\n");
    }

    @Test
    void serviceProxyName(@TempDir Path tmp) throws IOException {
        assertEquals("", AgentConfig.parse("mode: lb\n", "t").serviceProxyName(), "kube-proxy's rule without the key");
        assertEquals("ebpf4j", AgentConfig.parse("serviceProxyName: ebpf4j\n", "t").serviceProxyName());
        Path file = Files.writeString(tmp.resolve("agent.yaml"), "serviceProxyName: from-file\n");
        assertEquals("from-file", AgentOptions.parse("--config", file.toString(), "--manifests", "/m", "--cgroup", "/c").serviceProxyName());
        assertEquals("flag", AgentOptions.parse("--config", file.toString(), "--manifests", "/m", "--cgroup", "/c",
                "--service-proxy-name", "flag").serviceProxyName(), "the flag overrides the file");
        assertMessage("serviceProxyName: service proxy name 'not a name' is not a label value", "serviceProxyName: 'not a name'\n");
        assertMessage("serviceProxyName: a service proxy name must not be empty", "serviceProxyName: ''\n");
        var e = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.parse("--manifests", "/m", "--cgroup", "/c", "--service-proxy-name", "-bad"));
        assertTrue(e.getMessage().startsWith("--service-proxy-name: "), e.getMessage());
    }

    @Test
    void loadBalancingSection(@TempDir Path tmp) throws IOException {
        assertEquals(LoadBalancingOptions.DEFAULT, AgentConfig.parse("mode: lb\n", "t").loadBalancing());
        assertEquals(new LoadBalancingOptions(dev.ebpf4j.k8s.lb.Selection.MAGLEV, 16381),
                AgentConfig.parse("loadBalancing: {algorithm: maglev, maglevTableSize: 16381}\n", "t").loadBalancing());
        Path file = Files.writeString(tmp.resolve("agent.yaml"), "loadBalancing: {algorithm: maglev}\n");
        AgentOptions o = AgentOptions.parse("--config", file.toString(), "--manifests", "/m", "--cgroup", "/c", "--maglev-table-size", "1021");
        assertEquals(new LoadBalancingOptions(dev.ebpf4j.k8s.lb.Selection.MAGLEV, 1021), o.loadBalancing(), "the flag adds to the file");
        assertEquals(LoadBalancingOptions.DEFAULT, AgentOptions.parse("--config", file.toString(), "--manifests", "/m", "--cgroup", "/c",
                "--lb-algorithm", "random").loadBalancing(), "the flag overrides the file");
        assertMessage("loadBalancing: a Maglev table size must be a prime from 251", "loadBalancing: {algorithm: maglev, maglevTableSize: 1000}\n");
        assertMessage("loadBalancing: a Maglev table size needs the maglev algorithm", "loadBalancing: {maglevTableSize: 1021}\n");
        assertMessage("loadBalancing.algorithm must be random or maglev, got 'roundrobin'", "loadBalancing: {algorithm: roundrobin}\n");
        assertMessage("unknown key 'loadBalancing.size'", "loadBalancing: {size: 3}\n");
        var e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--manifests", "/m", "--cgroup", "/c",
                "--lb-algorithm", "maglev", "--maglev-table-size", "100"));
        assertTrue(e.getMessage().startsWith("--maglev-table-size: a Maglev table size must be a prime"), e.getMessage());
    }

    @Test
    void everyKey() {
        AgentConfig c = AgentConfig.parse("""
                mode: lb
                source: manifests
                manifests: /etc/m
                clusterCIDRs: {pods: 10.244.0.0/16, services: "fd00::/108"}
                bpffs: /sys/fs/bpf
                pinDirectory: e4j/test
                cgroup: /sys/fs/cgroup/kubepods
                health: {port: 19890}
                flows: {enabled: false}
                maxEntries: {lb_backends: 131072}
                """, "t");
        assertEquals(Optional.of(Path.of("/etc/m")), c.manifests());
        assertFalse(c.kubernetes());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/kubepods")), c.cgroup());
        assertEquals(Optional.of(Path.of("/sys/fs/bpf/e4j/test")), c.pinDir());
        assertEquals(OptionalInt.of(19890), c.healthPort());
        assertEquals(Map.of("lb_backends", 131072), c.maxEntries());
        assertEquals(new AgentConfig(Optional.empty(), false, Optional.empty(), Optional.empty(), OptionalInt.empty(), Map.of(),
                        PolicyOptions.DISABLED, NodePortOptions.DISABLED, FlowOptions.DISABLED), AgentConfig.parse("", "empty"));
    }

    @Test
    void unknownKeysAreNamed() {
        assertMessage("unknown key 'cgroupRoot'", "cgroupRoot: /sys/fs/cgroup\n");
        assertMessage("unknown key 'health.prot'", "health: {prot: 1}\n");
        assertMessage("unknown key 'flows.export'", "flows: {enabled: false, export: log}\n");
        assertMessage("unknown key 'clusterCIDRs.nodes'", "clusterCIDRs: {nodes: 10.0.0.0/8}\n");
    }

    @Test
    void wrongTypesAndValuesAreNamed() {
        assertMessage("health.port must be an integer, got string 9890x", "health: {port: 9890x}\n");
        assertMessage("health must be a mapping, got number 9890", "health: 9890\n");
        assertMessage("bpffs must be a string, got list", "bpffs: [/sys/fs/bpf]\n");
        assertMessage("flows.enabled must be true or false", "flows: {enabled: yes please}\n");
        assertMessage("health.port must be 1-65535", "health: {port: 70000}\n");
        assertMessage("clusterCIDRs.pods must be a CIDR", "clusterCIDRs: {pods: 10.244.0.0}\n");
        assertMessage("clusterCIDRs.services must be a CIDR", "clusterCIDRs: {services: 10.96.0.0/33}\n");
        assertMessage("pinDirectory must be a plain relative directory", "pinDirectory: ../etc\n");
        assertMessage("mode 'full' is not supported", "mode: full\n");
        assertMessage("flows.port must be 1-65535", "flows: {enabled: true, port: 0}\n");
        assertMessage("flows.address must be an IP address, got 'node-1'", "flows: {enabled: true, address: node-1}\n");
        assertMessage("nodePort.mode must be snat or dsr, got 'tunnel'", "nodePort: {devices: [eth0], mode: tunnel}\n");
        assertMessage("nodePort.nodeIP must be an IPv4 address", "nodePort: {devices: [eth0], nodeIP: \"fd00::1\"}\n");
        assertMessage("nodePort.devices must be a list", "nodePort: {devices: eth0}\n");
        assertMessage("nodePort.devices: --devices wants interface names of 1-15 characters", "nodePort: {devices: [averyveryverylongname]}\n");
        assertMessage("source must be in-cluster or manifests", "source: kubeconfig\n");
        assertMessage("source: manifests needs manifests: DIR", "source: manifests\n");
        assertMessage("manifests needs source: manifests", "manifests: /m\n");
        assertMessage("(top level) must be a mapping", "- a\n- b\n");
        assertMessage("not valid YAML", "health: {port: 1\n");
    }

    @Test
    void flowsAndNodePortSections(@TempDir Path tmp) throws IOException {
        AgentConfig c = AgentConfig.parse("""
                flows: {enabled: true, port: 14244, address: 10.100.0.11}
                nodePort: {devices: [eth0, eth1], nodeIP: 10.100.0.11, mode: dsr}
                """, "t");
        assertEquals(new FlowOptions(14244, java.net.InetAddress.ofLiteral("10.100.0.11")), c.flows());
        assertEquals(new NodePortOptions(java.util.List.of("eth0", "eth1"),
                Optional.of((java.net.Inet4Address) java.net.InetAddress.ofLiteral("10.100.0.11")), dev.ebpf4j.k8s.lb.NodePortMode.DSR), c.nodePort());
        assertEquals(new FlowOptions(4244, java.net.InetAddress.getLoopbackAddress()), AgentConfig.parse("flows: {enabled: true}", "t").flows(),
                "the port observe --cluster looks for, on loopback");
        assertEquals(FlowOptions.DISABLED, AgentConfig.parse("flows: {enabled: false, port: 14244}", "t").flows());
        Path file = Files.writeString(tmp.resolve("agent.yaml"), "source: in-cluster\ncgroup: /c\nflows: {enabled: true}\n"
                + "nodePort: {devices: [eth0], mode: dsr}\n");
        AgentOptions o = AgentOptions.parse("--config", file.toString(), "--devices", "eth1", "--flows-port", "5000");
        assertEquals(java.util.List.of("eth1"), o.nodePort().devices(), "the flag overrides the file");
        assertEquals(dev.ebpf4j.k8s.lb.NodePortMode.DSR, o.nodePort().mode(), "the file's mode stays");
        assertEquals(5000, o.flows().port());
        Path dsrWithoutDevices = Files.writeString(tmp.resolve("dsr.yaml"), "source: in-cluster\ncgroup: /c\nnodePort: {mode: dsr}\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--config", dsrWithoutDevices.toString()))
                .getMessage().contains("need --devices"), "a mode without devices serves nothing: refused");
    }

    @Test
    void nodePortAcceleration(@TempDir Path tmp) throws IOException {
        assertEquals(dev.ebpf4j.k8s.lb.NodePortAcceleration.XDP_NATIVE,
                AgentConfig.parse("nodePort: {devices: [eth0], acceleration: xdp}", "t").nodePort().acceleration());
        assertEquals(dev.ebpf4j.k8s.lb.NodePortAcceleration.NONE,
                AgentConfig.parse("nodePort: {devices: [eth0]}", "t").nodePort().acceleration(), "off by default");
        assertMessage("nodePort.acceleration must be none, xdp or xdp-generic, got 'fast'",
                "nodePort: {devices: [eth0], acceleration: fast}\n");
        Path file = Files.writeString(tmp.resolve("agent.yaml"), "source: in-cluster\ncgroup: /c\nnodePort: {devices: [eth0]}\n");
        assertEquals(dev.ebpf4j.k8s.lb.NodePortAcceleration.XDP_GENERIC, AgentOptions.parse("--config", file.toString(),
                "--nodeport-acceleration", "xdp-generic").nodePort().acceleration());
        Path noDevices = Files.writeString(tmp.resolve("none.yaml"), "source: in-cluster\ncgroup: /c\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--config", noDevices.toString(),
                "--nodeport-acceleration", "xdp")).getMessage().contains("need --devices"));
    }

    @Test
    void flagsOverrideTheFile(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("agent.yaml"), shippedAgentYaml());
        AgentOptions o = AgentOptions.parse("--manifests", "/m", "--config", file.toString(), "--cgroup", "/c",
                "--pin-dir", "/sys/fs/bpf/x", "--health-port", "19999", "--node", "n2");
        assertFalse(o.kubernetes(), "a source flag replaces the file's source");
        assertEquals(Optional.of(Path.of("/m")), o.manifests());
        assertEquals(Optional.of(Path.of("/c")), o.cgroup());
        assertEquals(Path.of("/sys/fs/bpf/x"), o.pinDir());
        assertEquals(OptionalInt.of(19999), o.healthPort());
        assertEquals("n2", o.node());
        // Two source flags still conflict, whatever the file says.
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--config", file.toString(),
                "--manifests", "/m", "--kubeconfig")).getMessage().contains("one of"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--config", tmp.resolve("nope.yaml").toString()))
                .getMessage().contains("cannot read the config file"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--health-port", "http"))
                .getMessage().contains("--health-port wants a port"));
    }

    private static void assertMessage(String expected, String yaml) {
        String message = assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse(yaml, "agent.yaml")).getMessage();
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
        assertTrue(message.startsWith("agent.yaml"), "names the file: " + message);
    }

    @Test
    void policySection() {
        AgentConfig c = AgentConfig.parse("""
                policy:
                  enabled: true
                  interfaces: {prod/api-0: lxc1a2b, prod/web-0: veth9}
                  hostAddresses: [192.0.2.10, "2001:db8::a"]
                """, "t");
        assertEquals(new PolicyOptions(true, Map.of("prod/api-0", "lxc1a2b", "prod/web-0", "veth9"),
                java.util.List.of(java.net.InetAddress.ofLiteral("192.0.2.10"), java.net.InetAddress.ofLiteral("2001:db8::a"))), c.policy());
        assertEquals(new PolicyOptions(true, Map.of(), java.util.List.of()),
                AgentConfig.parse("policy: {enabled: true, interfaces: host-routes}\n", "t").policy());
        assertEquals(PolicyOptions.DISABLED, AgentConfig.parse("policy: {}\n", "t").policy());
        assertMessage("unknown key 'policy.enable'", "policy: {enable: true}\n");
        assertMessage("policy.enabled must be true or false", "policy: {enabled: yes please}\n");
        assertMessage("policy.interfaces must be host-routes or a mapping", "policy: {interfaces: routes}\n");
        assertMessage("policy.interfaces keys are namespace/name", "policy: {interfaces: {api-0: lxc1}}\n");
        assertMessage("policy.hostAddresses must hold IP addresses", "policy: {hostAddresses: [node-1]}\n");
    }

    @Test
    void policyFlags() throws Exception {
        AgentOptions o = AgentOptions.parse("--manifests", "/m", "--cgroup", "/c", "--policy",
                "--policy-interface", "prod/api-0=lxc1", "--policy-interface", "prod/web-0=lxc2");
        assertTrue(o.policy().enabled());
        assertEquals(Map.of("prod/api-0", "lxc1", "prod/web-0", "lxc2"), o.policy().interfaces());
        assertFalse(AgentOptions.parse("--manifests", "/m", "--cgroup", "/c").policy().enabled());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.parse("--manifests", "/m", "--cgroup", "/c", "--policy-interface", "api-0=lxc1"));
        assertTrue(e.getMessage().contains("NAMESPACE/POD=INTERFACE"), e.getMessage());
        java.nio.file.Path file = java.nio.file.Files.createTempFile("agent", ".yaml");
        try {
            java.nio.file.Files.writeString(file, "source: manifests\nmanifests: /m\ncgroup: /c\npolicy: {enabled: true}\n");
            assertTrue(AgentOptions.parse("--config", file.toString()).policy().enabled(), "agent.yaml switches policy on");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }
}
