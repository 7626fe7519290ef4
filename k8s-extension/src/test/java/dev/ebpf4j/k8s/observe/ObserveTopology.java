package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two "pods" in their own namespaces joined by a veth pair on a random 10.x.y.0/24, isolated: frontend (.1, vf) and
 * backend (.2, be0). The resolver names them frontend-pod and backend-pod in namespace default.
 */
final class ObserveTopology implements AutoCloseable {
    final Topology topology;
    final NetNamespace frontend, backend;
    final String frontendIp, backendIp;
    final EndpointResolver resolver;

    ObserveTopology(String prefix) throws Exception {
        int x = ThreadLocalRandom.current().nextInt(100, 250), y = ThreadLocalRandom.current().nextInt(1, 250);
        frontendIp = "10." + x + "." + y + ".1";
        backendIp = "10." + x + "." + y + ".2";
        topology = Topology.create(prefix);
        try {
            frontend = topology.namespace("fe");
            backend = topology.namespace("be");
            topology.veth(frontend, "fe0", frontendIp + "/24", backend, "be0", backendIp + "/24");
            topology.verifyIsolated();
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
        InetAddress fe = InetAddress.getByName(frontendIp), be = InetAddress.getByName(backendIp);
        EndpointIdentity fePod = new EndpointIdentity("frontend-pod", "default", Map.of("app", "frontend"));
        EndpointIdentity bePod = new EndpointIdentity("backend-pod", "default", Map.of("app", "backend"));
        resolver = a -> a.equals(fe) ? Optional.of(fePod) : a.equals(be) ? Optional.of(bePod) : Optional.empty();
    }

    /** Whether a flow is between our two addresses (tracepoints see every namespace's traffic). */
    boolean ours(Flow f) {
        String s = f.source().address().getHostAddress(), d = f.destination().address().getHostAddress();
        return (s.equals(frontendIp) || s.equals(backendIp)) && (d.equals(frontendIp) || d.equals(backendIp));
    }

    @Override
    public void close() {
        topology.close();
    }
}
