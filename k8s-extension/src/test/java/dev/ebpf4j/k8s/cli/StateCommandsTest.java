package dev.ebpf4j.k8s.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Output formats of the agent-state views over a fixed state (the decoding from pinned maps is PinnedStateIT's). */
class StateCommandsTest {
    static final ClusterState STATE = new ClusterState() {
        public List<ServiceRow> services() {
            return List.of(new ServiceRow(1, "10.96.0.10:80/TCP", "ClusterIP", 3, 0, 0, List.of(),
                    List.of(new BackendRow(4, "10.0.0.2:8080", "active"), new BackendRow(5, "10.0.0.3:8080", "terminating"))),
                    new ServiceRow(2, "*:30080/TCP", "NodePort", 1, 251, 0, List.of("Local", "Maglev"), List.of()));
        }
        public List<BackendRow> backends() {
            return List.of(new BackendRow(4, "10.0.0.2:8080/TCP", "active"), new BackendRow(5, "10.0.0.3:8080/TCP", "terminating"));
        }
        public List<EndpointRow> endpoints() {
            return List.of(new EndpointRow(7, "10.0.0.2", 256, true, false, "veth12(9)", "attached"));
        }
        public List<PolicyRow> policies() {
            return List.of(new PolicyRow(7, "ingress", "257", "TCP", "8080", 0), new PolicyRow(8, "egress", "any", "UDP", "53", 1));
        }
        public PolicyCounters policyCounters() {
            return new PolicyCounters(4, Map.of("policy_ingress", 2L, "policy_egress", 0L));
        }
    };

    @Test
    void serviceListShowsOneLinePerBackend() {
        CliRun r = CliRun.run(STATE, null, "service", "list");
        assertEquals(0, r.exit());
        assertEquals("""
                ID  FRONTEND           TYPE       REV  MAGLEV  FLAGS         BACKENDS
                1   10.96.0.10:80/TCP  ClusterIP  3    -       -             1 => 10.0.0.2:8080 (active)
                                                                             2 => 10.0.0.3:8080 (terminating)
                2   *:30080/TCP        NodePort   1    251     Local,Maglev  (no backends)
                """, r.out());
    }

    @Test
    void serviceListAsJson() {
        CliRun r = CliRun.run(STATE, null, "service", "list", "-o", "json");
        assertEquals("""
                {"id":1,"frontend":"10.96.0.10:80/TCP","type":"ClusterIP","revision":3,"maglev_size":0,"affinity_timeout":0,"flags":[],"backends":[{"id":4,"address":"10.0.0.2:8080","state":"active"},{"id":5,"address":"10.0.0.3:8080","state":"terminating"}]}
                {"id":2,"frontend":"*:30080/TCP","type":"NodePort","revision":1,"maglev_size":251,"affinity_timeout":0,"flags":["Local","Maglev"],"backends":[]}
                """, r.out());
    }

    @Test
    void endpointList() {
        CliRun r = CliRun.run(STATE, null, "endpoint", "list");
        assertEquals("""
                ENDPOINT  ADDRESS   IDENTITY  INGRESS ENFORCEMENT  EGRESS ENFORCEMENT  INTERFACE  DATAPATH
                7         10.0.0.2  256       Enabled              Disabled            veth12(9)  attached
                """, r.out());
    }

    @Test
    void policyGetFiltersByEndpoint() {
        CliRun r = CliRun.run(STATE, null, "policy", "get", "-e", "7");
        assertEquals("""
                Revision: 4   Drops: policy_egress=0, policy_ingress=2
                ENDPOINT  DIRECTION  PEER IDENTITY  PROTOCOL  PORTS  RULE
                7         ingress    257            TCP       8080   0
                """, r.out());
        CliRun json = CliRun.run(STATE, null, "policy", "get", "-o", "json");
        assertEquals("{\"endpoint\":7,\"direction\":\"ingress\",\"peer\":\"257\",\"protocol\":\"TCP\",\"ports\":\"8080\",\"rule\":0}\n"
                + "{\"endpoint\":8,\"direction\":\"egress\",\"peer\":\"any\",\"protocol\":\"UDP\",\"ports\":\"53\",\"rule\":1}\n", json.out());
    }

    @Test
    void completionScriptIsGenerated() {
        CliRun r = CliRun.run("generate-completion");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("complete -F _complete_ebpf4j"), r.out().lines().limit(5).toList().toString());
        assertTrue(r.out().contains("--http-status"));
        assertTrue(r.out().contains("--pin-dir"));
        assertTrue(r.out().contains("--netns"));
    }
}
