package dev.ebpf4j.samples.dns;

import dev.ebpf4j.k8s.observe.DatapathObserver;
import dev.ebpf4j.k8s.observe.EndpointIdentity;
import dev.ebpf4j.k8s.observe.EndpointResolver;
import dev.ebpf4j.k8s.observe.Flow;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DNS observer: the SDK's {@code observe_l7} capture (through {@link DatapathObserver}) on the DNS server pod's
 * interface sees queries and answers; a tiny DNS server in one namespace answers A queries from a fixed table and a
 * client in another asks for three names (one unknown). The sample prints name, type, rcode, answers and latency as
 * observed, and exits with status 1 unless every query and answer was seen and matches what the client got.
 *
 * <pre>scripts/run-sample.sh dns-observer</pre>
 */
public final class DnsObserverSample {
    static final String CLIENT = "10.250.0.1", DNS = "10.250.0.2";
    static final Map<String, List<InetAddress>> TABLE = table();

    private DnsObserverSample() {}

    public static void main(String[] args) throws Exception {
        Observed o = run(List.of("web.demo.svc.cluster.local", "db.demo.svc.cluster.local", "nope.demo.svc.cluster.local"));
        List<String> problems = o.problems();
        problems.forEach(p -> System.out.println("CHECK FAILED: " + p));
        System.out.println(problems.isEmpty() ? "every query and answer observed" : problems.size() + " check(s) failed");
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    /** Queries {@code names} (type A) from the client pod and returns what the client got and the observer saw. */
    public static Observed run(List<String> names) throws Exception {
        try (Topology topology = Topology.create("e4j-dnso")) {
            NetNamespace client = topology.namespace("client"), dns = topology.namespace("dns");
            topology.veth(client, "eth0", CLIENT + "/24", dns, "eth0", DNS + "/24");
            topology.verifyIsolated();
            InetAddress clientIp = InetAddress.getByName(CLIENT), dnsIp = InetAddress.getByName(DNS);
            EndpointIdentity clientPod = new EndpointIdentity("client", "demo", Map.of());
            EndpointIdentity dnsPod = new EndpointIdentity("coredns", "kube-system", Map.of("k8s-app", "kube-dns"));
            EndpointResolver pods = a -> a.equals(clientIp) ? Optional.of(clientPod)
                    : a.equals(dnsIp) ? Optional.of(dnsPod) : Optional.empty();

            // region dns-observer
            List<Flow> seen = new CopyOnWriteArrayList<>();
            try (DatapathObserver observer = DatapathObserver.builder().resolver(pods).start();
                 AutoCloseable sub = observer.history().subscribe(f -> f.dns().ifPresent(d -> {
                     seen.add(f);
                     System.out.println(Observed.line(f, d));
                 }));
                 TinyDnsServer server = dns.call(() -> new TinyDnsServer(new InetSocketAddress(DNS, 53), TABLE))) {
                dns.run(() -> observer.attachL7("eth0"));   // the DNS pod's interface, in its namespace
                List<DnsClient.Answer> answers = client.call(() -> {
                    List<DnsClient.Answer> got = new ArrayList<>();
                    int id = 0x1000;
                    for (String name : names) got.add(DnsClient.query(dnsIp, id++, name));
                    return got;
                });
                Observed observed = new Observed(answers, seen);
                observed.awaitComplete(5_000);
                return observed;
            }
            // endregion
        }
    }

    private static Map<String, List<InetAddress>> table() {
        try {
            Map<String, List<InetAddress>> t = new LinkedHashMap<>();
            t.put("web.demo.svc.cluster.local", List.of(InetAddress.getByName("10.96.0.10")));
            t.put("db.demo.svc.cluster.local", List.of(InetAddress.getByName("10.96.0.20"), InetAddress.getByName("10.96.0.21")));
            return t;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
