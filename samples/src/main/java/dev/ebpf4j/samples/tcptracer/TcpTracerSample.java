package dev.ebpf4j.samples.tcptracer;

import dev.ebpf4j.k8s.observe.DatapathObserver;
import dev.ebpf4j.k8s.observe.EndpointIdentity;
import dev.ebpf4j.k8s.observe.EndpointResolver;
import dev.ebpf4j.k8s.observe.Flow;
import dev.ebpf4j.k8s.observe.FlowType;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP connection tracer on the {@code sock:inet_sock_set_state} tracepoint, using the SDK's own {@code observe_tcp}
 * object through {@link DatapathObserver}: a client namespace opens connections to a server namespace (three
 * accepted, one refused); the sample prints each connection's lifecycle with its handshake latency and exits with
 * status 1 unless every connection shows connect, established (with a handshake no longer than the client's
 * {@code connect()} call) and close, and the refused one shows refused.
 *
 * <pre>scripts/run-sample.sh tcp-tracer [CONNECTIONS]</pre>
 */
public final class TcpTracerSample {
    static final String CLIENT = "10.240.0.1", SERVER = "10.240.0.2";
    static final int OPEN_PORT = 8080, CLOSED_PORT = 8081;

    private TcpTracerSample() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Trace t = run(n);
        List<String> problems = t.problems();
        problems.forEach(p -> System.out.println("CHECK FAILED: " + p));
        System.out.println(problems.isEmpty() ? "every connection traced" : problems.size() + " check(s) failed");
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    /** Opens {@code connections} accepted connections and one refused one, and returns what the tracer saw. */
    public static Trace run(int connections) throws Exception {
        try (Topology topology = Topology.create("e4j-tcpt")) {
            NetNamespace client = topology.namespace("client"), server = topology.namespace("server");
            topology.veth(client, "eth0", CLIENT + "/24", server, "eth0", SERVER + "/24");
            topology.verifyIsolated();

            // region tcp-tracer
            InetAddress clientIp = InetAddress.getByName(CLIENT), serverIp = InetAddress.getByName(SERVER);
            EndpointIdentity clientPod = new EndpointIdentity("client", "demo", Map.of("app", "client"));
            EndpointIdentity serverPod = new EndpointIdentity("server", "demo", Map.of("app", "server"));
            EndpointResolver pods = a -> a.equals(clientIp) ? Optional.of(clientPod)
                    : a.equals(serverIp) ? Optional.of(serverPod) : Optional.empty();
            List<Flow> flows = new CopyOnWriteArrayList<>();
            try (DatapathObserver observer = DatapathObserver.builder().resolver(pods).start();
                 AutoCloseable sub = observer.history().subscribe(f -> {
                     // The tracepoint sees every namespace on the host: keep this demo's sockets only.
                     if (f.type() == FlowType.SOCK && f.source().pod().isPresent() && f.destination().pod().isPresent()) {
                         flows.add(f);
                         System.out.println(Trace.line(f));
                     }
                 })) {
                List<Connections.Attempt> attempts = Connections.open(client, server, SERVER, OPEN_PORT, CLOSED_PORT, connections);
                Trace trace = new Trace(attempts, flows);
                trace.awaitComplete(5_000);
                return trace;
            }
            // endregion
        }
    }
}
