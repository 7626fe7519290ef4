package dev.ebpf4j.k8s.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The last {@code capacity} flows (hubble's per-node ring), queried with {@code --last N} and followed with
 * {@code --follow}. Thread-safe: the reader thread adds, any thread queries or subscribes.
 */
public final class FlowHistory {
    private final int capacity;
    private final ArrayDeque<Flow> flows;
    private final List<Consumer<? super Flow>> subscribers = new CopyOnWriteArrayList<>();
    private long total;

    /** A history keeping at most {@code capacity} flows. */
    public FlowHistory(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        this.capacity = capacity;
        this.flows = new ArrayDeque<>(Math.min(capacity, 4096));
    }

    /** Appends a flow (evicting the oldest when full) and hands it to every subscriber. */
    public void add(Flow flow) {
        synchronized (this) {
            if (flows.size() == capacity) flows.removeFirst();
            flows.addLast(flow);
            total++;
        }
        for (Consumer<? super Flow> s : subscribers) s.accept(flow);
    }

    /** The newest {@code n} flows matching {@code filter}, oldest first ({@code n <= 0}: all that match). */
    public synchronized List<Flow> last(int n, FlowFilter filter) {
        ArrayDeque<Flow> out = new ArrayDeque<>();
        for (Iterator<Flow> it = flows.descendingIterator(); it.hasNext() && (n <= 0 || out.size() < n); ) {
            Flow f = it.next();
            if (filter.test(f)) out.addFirst(f);
        }
        return new ArrayList<>(out);
    }

    /** Calls {@code subscriber} for each flow added from now on (on the adding thread); close the handle to stop. */
    public AutoCloseable subscribe(Consumer<? super Flow> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** Current subscribers (followers). */
    public int subscriberCount() {
        return subscribers.size();
    }

    /** Flows added since creation, including evicted ones. */
    public synchronized long totalAdded() {
        return total;
    }

    /** Flows currently held. */
    public synchronized int size() {
        return flows.size();
    }
}
