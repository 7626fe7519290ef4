package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.Flow;
import dev.ebpf4j.k8s.observe.FlowEventView;
import dev.ebpf4j.k8s.observe.FlowHistory;
import dev.ebpf4j.k8s.observe.FlowSource;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A flow source over flows a test adds (no datapath): exercises the CLI's filtering and output paths. */
final class RecordedFlowSource implements FlowSource {
    final FlowHistory history = new FlowHistory(1000);
    final List<Consumer<FlowEventView>> monitors = new CopyOnWriteArrayList<>();

    RecordedFlowSource(List<Flow> flows) {
        flows.forEach(history::add);
    }

    @Override public FlowHistory history() { return history; }

    @Override public AutoCloseable monitor(Consumer<FlowEventView> consumer) {
        monitors.add(consumer);
        return () -> monitors.remove(consumer);
    }

    @Override public Stats stats() { return new Stats(history.totalAdded(), history.totalAdded(), 0, 0); }

    @Override public void close() {}
}
