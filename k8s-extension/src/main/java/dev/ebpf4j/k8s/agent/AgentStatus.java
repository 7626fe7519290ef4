package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.conntrack.ConntrackGc;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.source.ClusterSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the agent tells its probes and {@code /metrics}, and the watchdog behind it: once a second it notes whether the
 * source still follows the API server (logging each loss and return once, not per retry; a watch closed for less than
 * {@link #DISCONNECTED_AFTER_SAMPLES} samples is a watch being renewed, as every watch is when its server-side timeout
 * ends it or after a 410 Gone re-list, not an outage) and, while the datapath is
 * out of date because a sync failed, retries a full sync of the source's snapshot with a backoff of 1 s doubling to
 * 30 s. Readiness is truthful: not ready before the first sync, while the API server is unreachable (the datapath then
 * serves the last state seen) and while a failed sync is not yet retried successfully.
 */
final class AgentStatus implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentStatus.class.getName());
    /** Consecutive one-second samples without an open watch that make an outage. */
    static final int DISCONNECTED_AFTER_SAMPLES = 3;
    private final LbController controller;
    private final ClusterSource source;
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Thread watchdog;
    private volatile boolean synced;
    private volatile Instant disconnectedSince;
    private volatile boolean closed;
    private volatile java.util.List<ConntrackGc> conntrack = java.util.List.of();

    private final java.util.function.Supplier<java.util.Map<String, String>> policyRejected;

    AgentStatus(LbController controller, ClusterSource source) {
        this(controller, source, java.util.Map::of);
    }

    /** @param policyRejected the policy source's ignored objects, reported beside the load balancer's */
    AgentStatus(LbController controller, ClusterSource source,
                java.util.function.Supplier<java.util.Map<String, String>> policyRejected) {
        this.controller = controller;
        this.source = source;
        this.policyRejected = policyRejected;
        this.watchdog = Thread.ofPlatform().daemon().name("ebpf4j-agent-watchdog").start(this::watch);
    }

    /** The conntrack sweeps whose occupancy and deletions {@link #metrics()} reports. */
    void conntrack(java.util.List<ConntrackGc> sweeps) {
        conntrack = java.util.List.copyOf(sweeps);
    }

    /** The first sync (of every enabled part) has been applied. */
    void synced(boolean value) {
        synced = value;
    }

    /** Why the agent is not ready, or empty when it is. */
    Optional<String> notReady() {
        if (!synced) return Optional.of("first sync not applied yet");
        Instant since = disconnectedSince;
        if (since != null) return Optional.of("API server unreachable since " + since + "; the datapath serves the last state seen");
        if (controller.outOfDate()) {
            return Optional.of("datapath out of date: " + controller.lastFailure().map(f -> "sync of generation " + f.generation()
                    + " failed: " + f.message()).orElse("a sync failed") + " (retrying)");
        }
        return Optional.empty();
    }

    /** The Prometheus text of the agent's control-plane state. */
    String metrics() {
        StringBuilder m = new StringBuilder();
        gauge(m, "ebpf4j_agent_ready", "1 when /readyz answers 200", notReady().isEmpty() ? 1 : 0);
        gauge(m, "ebpf4j_agent_api_connected", "1 while the source follows the API server", disconnectedSince == null ? 1 : 0);
        counter(m, "ebpf4j_agent_api_disconnects_total", "times the API server became unreachable", disconnects.get());
        counter(m, "ebpf4j_lb_sync_errors_total", "LB syncs that failed to write the datapath", controller.syncErrors());
        counter(m, "ebpf4j_lb_sync_retries_total", "full syncs retried after a failure", retries.get());
        gauge(m, "ebpf4j_lb_datapath_out_of_date", "1 while a failed sync waits for its retry", controller.outOfDate() ? 1 : 0);
        var last = controller.lastSync();
        gauge(m, "ebpf4j_lb_applied_generation", "source generation of the last successful sync", last == null ? -1 : last.generation());
        gauge(m, "ebpf4j_lb_source_generation", "the source's current generation", source.snapshot().generation());
        controller.lastSyncTime().ifPresent(t -> {
            gauge(m, "ebpf4j_lb_last_sync_timestamp_seconds", "when the last successful sync finished", t.toEpochMilli() / 1000.0);
            gauge(m, "ebpf4j_lb_last_sync_age_seconds", "seconds since the last successful sync",
                    Duration.between(t, Instant.now()).toMillis() / 1000.0);
        });
        conntrackMetrics(m);
        var rejected = new java.util.TreeMap<>(source.rejected());
        rejected.putAll(policyRejected.get());
        gauge(m, "ebpf4j_agent_rejected_objects", "API objects ignored because they are malformed", rejected.size());
        if (!rejected.isEmpty()) {
            m.append("# HELP ebpf4j_agent_rejected_object one series per ignored object, with the reason (first 100)\n")
                    .append("# TYPE ebpf4j_agent_rejected_object gauge\n");
            rejected.entrySet().stream().limit(100).forEach(e -> {
                String[] kindAndName = e.getKey().split(" ", 2);
                m.append("ebpf4j_agent_rejected_object{kind=\"").append(label(kindAndName[0])).append("\",object=\"")
                        .append(label(kindAndName.length > 1 ? kindAndName[1] : "")).append("\",reason=\"").append(label(e.getValue()))
                        .append("\"} 1\n");
            });
        }
        return m.toString();
    }

    private void conntrackMetrics(StringBuilder m) {
        java.util.List<ConntrackGc> sweeps = conntrack;
        if (sweeps.isEmpty()) return;
        labelled(m, "ebpf4j_conntrack_entries", "gauge", "conntrack entries per table as the last sweep left them",
                sweeps, ConntrackGc::entries);
        labelled(m, "ebpf4j_conntrack_gc_deleted_total", "counter", "expired conntrack entries the sweeps deleted",
                sweeps, ConntrackGc::deletedTotal);
        labelled(m, "ebpf4j_conntrack_gc_last_sweep_seconds", "gauge", "how long the last sweep of the table's sweep took",
                sweeps, g -> {
                    java.util.Map<String, Number> t = new java.util.LinkedHashMap<>();
                    double s = g.lastSweep().map(w -> w.took().toNanos() / 1e9).orElse(0.0);
                    g.entries().keySet().forEach(k -> t.put(k, s));
                    return t;
                });
    }

    private static void labelled(StringBuilder m, String name, String type, String help, java.util.List<ConntrackGc> sweeps,
                                 java.util.function.Function<ConntrackGc, java.util.Map<String, ? extends Number>> values) {
        m.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name).append(' ')
                .append(type).append('\n');
        for (ConntrackGc g : sweeps) {
            values.apply(g).forEach((table, v) -> m.append(name).append("{table=\"").append(label(table)).append("\"} ")
                    .append(v instanceof Double d ? String.valueOf(d) : String.valueOf(v.longValue())).append('\n'));
        }
    }

    /** A Prometheus label value: backslash, quote and newline escaped. */
    private static String label(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void gauge(StringBuilder m, String name, String help, double value) {
        metric(m, name, help, "gauge", value);
    }

    private static void counter(StringBuilder m, String name, String help, double value) {
        metric(m, name, help, "counter", value);
    }

    private static void metric(StringBuilder m, String name, String help, String type, double value) {
        m.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value)).append('\n');
    }

    private void watch() {
        long backoffMillis = 1000, nextRetry = 0;
        int notWatching = 0;
        Instant firstMiss = null;
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            boolean connected = source.connected();
            notWatching = connected ? 0 : notWatching + 1;
            if (notWatching == 1) firstMiss = Instant.now();
            if (notWatching >= DISCONNECTED_AFTER_SAMPLES && disconnectedSince == null && synced) {
                disconnectedSince = firstMiss;
                disconnects.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "API server unreachable; the datapath serves the last state seen; reconnecting");
            } else if (connected && disconnectedSince != null) {
                LOG.log(System.Logger.Level.INFO, "API server reachable again after "
                        + Duration.between(disconnectedSince, Instant.now()).toSeconds() + " s; resynced");
                disconnectedSince = null;
            }
            if (!controller.outOfDate()) {
                backoffMillis = 1000;
                continue;
            }
            if (System.currentTimeMillis() < nextRetry) continue;
            retries.incrementAndGet();
            try {
                controller.sync(source.snapshot());
                LOG.log(System.Logger.Level.INFO, "datapath up to date again after a failed sync");
                backoffMillis = 1000;
            } catch (RuntimeException e) {
                backoffMillis = Math.min(backoffMillis * 2, 30_000);
                LOG.log(System.Logger.Level.WARNING, "retrying the failed sync failed again (next in " + backoffMillis / 1000 + " s): " + e.getMessage());
            }
            nextRetry = System.currentTimeMillis() + backoffMillis;
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
    }
}
