package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.DatapathObserver;
import dev.ebpf4j.k8s.observe.Flow;
import dev.ebpf4j.k8s.observe.FlowFilter;
import dev.ebpf4j.k8s.observe.FlowFormat;
import dev.ebpf4j.k8s.observe.FlowJson;
import dev.ebpf4j.k8s.observe.FlowSource;
import dev.ebpf4j.k8s.observe.MetricsServer;
import dev.ebpf4j.k8s.observe.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;

/** {@code ebpf4j observe}: hubble-like flow listing and following with filters. */
@Command(name = "observe", description = "Show flows (values of one filter are OR-ed, different filters AND-ed).",
        mixinStandardHelpOptions = true)
final class ObserveCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    enum Output { compact, json, table }

    @Option(names = "--from-pod", description = "Source pod [namespace/]name-prefix.") List<String> fromPod = List.of();
    @Option(names = "--to-pod", description = "Destination pod [namespace/]name-prefix.") List<String> toPod = List.of();
    @Option(names = "--pod", description = "Source or destination pod.") List<String> pod = List.of();
    @Option(names = {"-n", "--namespace"}, description = "Source or destination namespace.") List<String> namespace = List.of();
    @Option(names = "--ip", description = "Source or destination IP or CIDR.") List<String> ip = List.of();
    @Option(names = "--port", description = "Source or destination port.") List<Integer> port = List.of();
    @Option(names = "--protocol", description = "tcp, udp, icmp, icmpv6, sctp, http, dns.") List<String> protocol = List.of();
    @Option(names = "--verdict", description = "FORWARDED, DROPPED, TRANSLATED.") List<String> verdict = List.of();
    @Option(names = "--http-method", description = "HTTP method.") List<String> httpMethod = List.of();
    @Option(names = "--http-path", description = "HTTP path regular expression.") List<String> httpPath = List.of();
    @Option(names = "--http-status", description = "HTTP status: code (404) or prefix (5+).") List<String> httpStatus = List.of();
    @Option(names = {"-t", "--type"}, description = "l7, trace, drop, sock.") List<String> type = List.of();
    @Option(names = "--since", description = "Only flows since a duration ago (5m) or an RFC 3339 time.") String since;
    @Option(names = "--last", description = "Show the last N matching flows (default 20 unless following).") Integer last;
    @Option(names = {"-f", "--follow"}, description = "Keep printing new flows.") boolean follow;
    @Option(names = "--timeout", description = "Stop following after this long (e.g. 30s).") String timeout;
    @Option(names = {"-o", "--output"}, description = "compact, json, table (default compact).") Output output = Output.compact;
    @Option(names = "--interface", description = "Also capture HTTP/DNS on this interface (tcx; this namespace).") List<String> interfaces = List.of();
    @Option(names = "--ring", description = "Also read this pinned flow ring of another process, e.g. the agent's "
            + "PIN_DIR/lb-v1/maps/lb_events (its lost counter is the pin NAME_lost beside it).")
    List<java.nio.file.Path> rings = List.of();
    @Option(names = "--cluster", description = "Flows of every node's agent (agents run with --flows-port), merged by time.")
    boolean cluster;
    @Option(names = "--peer", description = "With --cluster: an agent's flow endpoint HOST:PORT (repeatable; default: every Node's InternalIP).")
    List<String> peers = List.of();
    @Option(names = "--peer-port", description = "With --cluster and no --peer: the agents' flow port (default 4244).")
    int peerPort = dev.ebpf4j.k8s.observe.FlowStreamServer.DEFAULT_PORT;
    @Option(names = "--metrics-port", description = "Serve Prometheus metrics on 127.0.0.1:PORT while observing.") Integer metricsPort;

    private final CliContext context;

    ObserveCommand(CliContext context) {
        this.context = context;
    }

    FlowFilter filter(Instant now) {
        return FlowFilter.builder().fromPod(fromPod).toPod(toPod).pod(pod).namespace(namespace).ip(ip).port(port)
                .protocol(protocol).verdict(verdict).httpMethod(httpMethod).httpPath(httpPath).httpStatus(httpStatus)
                .type(type).since(since == null ? null : Durations.since(since, now)).build();
    }

    @Override
    public Integer call() throws Exception {
        Terminal t = context.terminal();
        if (cluster) return ClusterObserve.run(this, t);
        if (!peers.isEmpty()) {
            t.err().println("error: --peer needs --cluster");
            return 2;
        }
        FlowFilter filter = filter(Instant.now());
        var source = context.flows().get();
        if (source.isEmpty()) {
            t.err().println("error: no flow source: run observe inside the agent or with the datapath loaded (needs root)");
            return 1;
        }
        FlowSource flows = source.get();
        try {
            return show(flows, filter, t);
        } finally {
            if (context.onDemand()) flows.close();
        }
    }

    private int show(FlowSource flows, FlowFilter filter, Terminal t) throws Exception {
        for (String iface : interfaces) {
            if (!(flows instanceof DatapathObserver d)) {
                t.err().println("error: --interface needs the local datapath observer (standalone CLI)");
                return 2;
            }
            d.attachL7(iface);
        }
        for (java.nio.file.Path ring : rings) {
            if (!(flows instanceof DatapathObserver d)) {
                t.err().println("error: --ring needs the local datapath observer (standalone CLI)");
                return 2;
            }
            d.addPinnedRing(ring);
        }
        MetricsServer metrics = null;
        if (metricsPort != null) {
            if (!(flows instanceof DatapathObserver d)) {
                t.err().println("error: --metrics-port needs the local datapath observer (standalone CLI)");
                return 2;
            }
            metrics = MetricsServer.start(d.metrics(), metricsPort);
            t.err().println("metrics on http://127.0.0.1:" + metrics.address().getPort() + "/metrics");
        }
        try (MetricsServer ignored = metrics) {
            return list(flows, filter, t);
        }
    }

    private int list(FlowSource flows, FlowFilter filter, Terminal t) throws Exception {
        if (context.onDemand() && !follow) {
            follow = true; // a freshly started observer has no history yet
            if (t.ansi()) t.err().println("observing (Ctrl-C to stop)...");
        }
        List<Flow> history = flows.history().last(last != null ? last : follow ? 0 : 20, filter);
        if (follow && last == null) history = List.of();
        Printer printer = new Printer(t, output);
        history.forEach(printer::print);
        if (follow) follow(flows, filter, printer);
        t.out().flush();
        return 0;
    }

    private void follow(FlowSource flows, FlowFilter filter, Printer printer) throws Exception {
        LinkedBlockingQueue<Flow> queue = new LinkedBlockingQueue<>(100_000);
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + Durations.parse(timeout).toNanos();
        try (AutoCloseable sub = flows.history().subscribe(f -> {
            if (filter.test(f)) queue.offer(f);
        })) {
            while (System.nanoTime() < deadline) {
                Flow f = queue.poll(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
                if (f != null) printer.print(f);
            }
        }
    }

    /** Prints one flow per line in the chosen format; tables print a header first. */
    static final class Printer {
        private final Terminal t;
        private final Output output;
        private boolean header;

        Printer(Terminal t, Output output) {
            this.t = t;
            this.output = output;
        }

        void print(Flow f) {
            switch (output) {
                case json -> t.out().println(FlowJson.toJson(f));
                case compact -> t.out().println(colour(FlowFormat.compact(f), f.verdict()));
                case table -> {
                    if (!header) {
                        t.out().println(t.bold(String.format("%-12s  %-32s  %-32s  %-5s  %-10s  %s", "TIME", "SOURCE",
                                "DESTINATION", "TYPE", "VERDICT", "SUMMARY")));
                        header = true;
                    }
                    t.out().println(String.format("%-12s  %-32s  %-32s  %-5s  %-10s  %s", TIME.format(f.time()),
                            f.source().display(), f.destination().display(), f.type().label(),
                            colour(String.format("%-10s", f.verdict()), f.verdict()), FlowFormat.describe(f)));
                }
            }
            t.out().flush();
        }

        private String colour(String s, Verdict v) {
            return switch (v) {
                case FORWARDED -> t.green(s);
                case DROPPED -> t.red(s);
                case TRANSLATED -> t.yellow(s);
                default -> s;
            };
        }
    }

}
