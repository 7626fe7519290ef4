package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.FlowEventView;
import dev.ebpf4j.k8s.observe.FlowSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@code ebpf4j monitor}: raw datapath events as they arrive (cilium monitor). */
@Command(name = "monitor", description = "Print raw datapath events.", mixinStandardHelpOptions = true)
final class MonitorCommand implements Callable<Integer> {
    @Option(names = {"-c", "--count"}, description = "Stop after N events.") int count = Integer.MAX_VALUE;
    @Option(names = "--timeout", description = "Stop after this long (e.g. 10s).") String timeout;

    private final CliContext context;

    MonitorCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        var source = context.flows().get();
        if (source.isEmpty()) {
            context.terminal().err().println("error: no datapath event source: run inside the agent or as root with the datapath loaded");
            return 1;
        }
        FlowSource flows = source.get();
        try {
            return print(flows);
        } finally {
            if (context.onDemand()) flows.close(); // a running agent's observer is not ours to stop
        }
    }

    private int print(FlowSource flows) throws Exception {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>(100_000);
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + Durations.parse(timeout).toNanos();
        byte[] a = new byte[16];
        try (AutoCloseable sub = flows.monitor(e -> lines.offer(format(e, a)))) {
            int printed = 0;
            while (printed < count && System.nanoTime() < deadline) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line == null) continue;
                context.terminal().out().println(line);
                context.terminal().out().flush();
                printed++;
            }
        }
        return 0;
    }

    /** One raw event as a line: every header field, payload length. Runs on the reader thread. */
    static String format(FlowEventView e, byte[] scratch) {
        String kind = switch (e.kind()) {
            case FlowEventView.KIND_TRACE -> "TRACE";
            case FlowEventView.KIND_DROP -> "DROP";
            case FlowEventView.KIND_SOCK -> "SOCK";
            case FlowEventView.KIND_L7 -> "L7";
            default -> "KIND" + e.kind();
        };
        return String.format("%d %-5s sub=%d %s:%d -> %s:%d proto=%d flags=0x%02x verdict=%d drop=%d dir=%d if=%d pid=%d "
                        + "sock=0x%x state=%d->%d err=%d latency=%dns seq=%d payload=%d",
                e.timestampNanos(), kind, e.subtype(), addr(e, scratch, true), e.sourcePort(), addr(e, scratch, false),
                e.destinationPort(), e.protocol(), e.tcpFlags(), e.verdict(), e.dropReason(), e.direction(), e.ifindex(),
                e.pid(), e.socketId(), e.oldState(), e.newState(), e.socketError(), e.latencyNanos(), e.tcpSequence(),
                e.payloadLength());
    }

    private static String addr(FlowEventView e, byte[] scratch, boolean source) {
        int n = source ? e.sourceAddress(scratch) : e.destinationAddress(scratch);
        try {
            return dev.ebpf4j.k8s.observe.Addresses.text(InetAddress.getByAddress(java.util.Arrays.copyOf(scratch, n)));
        } catch (java.net.UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
