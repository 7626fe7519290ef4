package dev.ebpf4j.k8s.observe;

import java.util.function.Consumer;

/**
 * A running source of flows: the datapath readers feeding a {@link FlowHistory}, plus raw event access for
 * {@code monitor} and counters for {@code status} and metrics. Implemented by the observer that owns the ring buffers.
 */
public interface FlowSource extends AutoCloseable {
    /** Recent flows, and a way to follow new ones. */
    FlowHistory history();

    /**
     * Calls {@code consumer} with every raw datapath event (the view is valid only during the call), until the
     * returned handle is closed.
     */
    AutoCloseable monitor(Consumer<FlowEventView> consumer);

    /** Counters so far. */
    Stats stats();

    /**
     * Reader counters.
     *
     * @param events      records read from the ring buffers
     * @param flows       flows produced
     * @param lostEvents  records the datapath could not reserve (ring buffer full), per the programs' lost counters
     * @param unparsedL7  L7 captures that were neither HTTP nor DNS
     */
    record Stats(long events, long flows, long lostEvents, long unparsedL7) {}

    @Override
    void close();
}
