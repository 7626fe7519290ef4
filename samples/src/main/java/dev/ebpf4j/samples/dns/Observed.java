package dev.ebpf4j.samples.dns;

import dev.ebpf4j.k8s.observe.DnsInfo;
import dev.ebpf4j.k8s.observe.Flow;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the client got and what the observer saw.
 *
 * @param client the client's answers, in query order
 * @param flows  the DNS flows the observer reported
 */
public record Observed(List<DnsClient.Answer> client, List<Flow> flows) {

    static String line(Flow f, DnsInfo d) {
        String s = "%-8s %s -> %s  %s %s".formatted(d.response() ? "answer" : "query", f.source().display(),
                f.destination().display(), d.name(), d.qtypeName());
        if (!d.response()) return s;
        return s + " %s %s  latency %.0f µs".formatted(d.rcodeName(),
                d.answers().stream().map(InetAddress::getHostAddress).toList(), d.latency().toNanos() / 1e3);
    }

    void awaitComplete(long millis) throws InterruptedException {
        long until = System.nanoTime() + millis * 1_000_000;
        while (!problems().isEmpty() && System.nanoTime() < until) Thread.sleep(20);
    }

    /** The observed query or answer with transaction id {@code id}. */
    public Optional<DnsInfo> observed(int id, boolean response) {
        return flows.stream().flatMap(f -> f.dns().stream()).filter(d -> d.id() == id && d.response() == response).findFirst();
    }

    /** Failed checks, empty when every query and its answer were observed as the client saw them. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        for (DnsClient.Answer a : client) {
            String what = a.name() + " (id 0x" + Integer.toHexString(a.id()) + ")";
            if (observed(a.id(), false).isEmpty()) p.add("query for " + what + " not observed");
            Optional<DnsInfo> r = observed(a.id(), true);
            if (r.isEmpty()) {
                p.add("answer for " + what + " not observed");
                continue;
            }
            DnsInfo d = r.get();
            if (!d.name().equals(a.name()) || d.qtype() != 1) p.add(what + ": observed " + d.name() + " " + d.qtypeName());
            if (d.rcode() != a.rcode()) p.add(what + ": observed rcode " + d.rcodeName() + ", client got " + a.rcode());
            if (!d.answers().equals(a.answers())) p.add(what + ": observed answers " + d.answers() + ", client got " + a.answers());
            long lat = d.latency().toNanos();
            if (lat <= 0 || lat > a.nanos()) p.add(what + ": observed latency " + lat + " ns outside (0, client's " + a.nanos() + " ns]");
        }
        return p;
    }
}
