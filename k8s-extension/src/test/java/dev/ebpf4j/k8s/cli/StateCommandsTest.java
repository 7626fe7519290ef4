package dev.ebpf4j.k8s.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateCommandsTest {
    static final ClusterState STATE = new ClusterState() {
        public boolean connected() { return true; }
        public List<ServiceRow> services() {
            return List.of(new ServiceRow(1, "10.96.0.10:80/TCP", "ClusterIP", List.of("10.0.0.2:8080 (active)", "10.0.0.3:8080 (terminating)")));
        }
        public List<EndpointRow> endpoints() {
            return List.of(new EndpointRow(7, "default", "backend-pod", "10.0.0.2", Map.of("app", "backend", "tier", "api"), true, false, "veth12"));
        }
        public List<PolicyRow> policies() {
            return List.of(new PolicyRow("default", "allow-frontend", "app=backend", List.of("ingress from app=frontend on TCP/8080")),
                    new PolicyRow("other", "deny-all", "", List.of()));
        }
    };

    @Test
    void serviceList() {
        CliRun r = CliRun.run(STATE, null, "service", "list");
        assertEquals(0, r.exit());
        assertEquals("""
                ID  FRONTEND           TYPE       BACKENDS
                1   10.96.0.10:80/TCP  ClusterIP  10.0.0.2:8080 (active), 10.0.0.3:8080 (terminating)
                """, r.out());
    }

    @Test
    void endpointList() {
        CliRun r = CliRun.run(STATE, null, "endpoint", "list");
        assertTrue(r.out().contains("7   default/backend-pod  10.0.0.2  Enabled  Disabled  veth12     app=backend,tier=api"), r.out());
    }

    @Test
    void policyGetFiltersByNamespace() {
        CliRun r = CliRun.run(STATE, null, "policy", "get", "-n", "default");
        assertEquals("default/allow-frontend  podSelector: app=backend\n  ingress from app=frontend on TCP/8080\n", r.out());
    }

    @Test
    void withoutAnAgentTheViewsSaySo() {
        CliRun r = CliRun.run("service", "list");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("not connected to an ebpf4j agent"), r.err());
    }

    @Test
    void completionScriptIsGenerated() {
        CliRun r = CliRun.run("generate-completion");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("complete -F _complete_ebpf4j"), r.out().lines().limit(5).toList().toString());
        assertTrue(r.out().contains("--http-status"));
    }
}
