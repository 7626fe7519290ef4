package dev.ebpf4j.k8s.agent;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class AgentOptionsTest {
    @Test
    void manifestsAndCgroupWithDefaults() {
        AgentOptions o = AgentOptions.parse("--manifests", "/m", "--cgroup", "/sys/fs/cgroup/pods", "--node", "n7");
        assertEquals(Optional.of(Path.of("/m")), o.manifests());
        assertFalse(o.kubernetes());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/pods")), o.cgroup());
        assertEquals(AgentOptions.DEFAULT_PIN_DIR, o.pinDir());
        assertEquals("n7", o.node());
        assertEquals(Map.of(), o.maxEntries());
    }

    @Test
    void kubeconfigPinDirAndSizes() {
        AgentOptions o = AgentOptions.parse("--kubeconfig", "--cgroup", "/c", "--pin-dir", "/sys/fs/bpf/x",
                "--max-entries", "lb_backends=131072");
        assertTrue(o.kubernetes());
        assertEquals(Path.of("/sys/fs/bpf/x"), o.pinDir());
        assertEquals(Map.of("lb_backends", 131072), o.maxEntries());
    }

    @Test
    void uninstallNeedsNoSource() {
        assertTrue(AgentOptions.parse("--uninstall").uninstall());
    }

    @Test
    void misuseSaysWhatToDo() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--cgroup", "/c"))
                .getMessage().contains("--manifests DIR or --kubeconfig"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.parse("--manifests", "/m", "--kubeconfig", "--cgroup", "/c")).getMessage().contains("one of"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--manifests", "/m"))
                .getMessage().contains("--cgroup PATH is required"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--max-entries", "x"))
                .getMessage().contains("MAP=N"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--bogus"))
                .getMessage().contains("unknown argument --bogus"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("--node"))
                .getMessage().contains("needs a value"));
    }
}
