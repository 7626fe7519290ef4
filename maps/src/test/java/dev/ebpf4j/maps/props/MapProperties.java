package dev.ebpf4j.maps.props;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.KeyExistsException;
import dev.ebpf4j.core.KeyNotFoundException;
import dev.ebpf4j.core.MapFullException;
import dev.ebpf4j.maps.KeyValueMap;
import dev.ebpf4j.maps.Prefix;
import dev.ebpf4j.maps.PushPopMap;
import dev.ebpf4j.maps.PutMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Map semantics as stateful action sequences checked against plain Java models. One suite, run twice: against
 * kernel maps ({@link KernelMapPropertiesIT}) and against the simulations ({@link SimulatedMapPropertiesTest}).
 */
public abstract class MapProperties {
    static final int TRIES = 25;

    protected abstract KeyValueMap<Integer, Long> hash(int maxEntries);

    protected abstract KeyValueMap<Integer, Long> lruHash(int maxEntries);

    protected abstract KeyValueMap<Integer, Long> array(int maxEntries);

    protected abstract KeyValueMap<Integer, List<Long>> perCpuHash(int maxEntries);

    protected abstract KeyValueMap<Integer, List<Long>> perCpuArray(int maxEntries);

    protected abstract KeyValueMap<Prefix, Integer> lpmTrie(int maxEntries);

    protected abstract PushPopMap<Long> queue(int capacity);

    protected abstract PushPopMap<Long> stack(int capacity);

    protected abstract int cpus();

    enum Kind { PUT, GET, REMOVE, LOOKUP_AND_DELETE }

    record Op(Kind kind, int key, long value, PutMode mode) {}

    @Provide
    Arbitrary<List<Op>> hashOps() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(-1, 12),
                Arbitraries.longs(), Arbitraries.of(PutMode.class)).as(Op::new).list().ofMaxSize(60);
    }

    private static <T> String outcome(java.util.function.Supplier<T> action) {
        try {
            return "ok " + action.get();
        } catch (BpfException e) {
            return e.getClass().getSimpleName() + " " + Errno.name(e.errno());
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    @Property(tries = TRIES)
    void hashMapMatchesModel(@ForAll("hashOps") List<Op> ops) {
        try (KeyValueMap<Integer, Long> m = hash(8)) {
            Map<Integer, Long> model = new HashMap<>();
            for (Op op : ops) {
                String expected = switch (op.kind) {
                    case GET -> "ok " + Optional.ofNullable(model.get(op.key));
                    case REMOVE -> "ok " + (model.remove(op.key) != null);
                    case LOOKUP_AND_DELETE -> "ok " + Optional.ofNullable(model.remove(op.key));
                    case PUT -> {
                        boolean present = model.containsKey(op.key);
                        if (op.mode == PutMode.NO_EXIST && present) yield "KeyExistsException EEXIST";
                        if (op.mode == PutMode.EXIST && !present) yield "KeyNotFoundException ENOENT";
                        if (!present && model.size() >= 8) yield "MapFullException E2BIG";
                        model.put(op.key, op.value);
                        yield "ok null";
                    }
                };
                String actual = switch (op.kind) {
                    case GET -> outcome(() -> m.get(op.key));
                    case REMOVE -> outcome(() -> m.remove(op.key));
                    case LOOKUP_AND_DELETE -> outcome(() -> m.lookupAndDelete(op.key));
                    case PUT -> outcome(() -> { m.put(op.key, op.value, op.mode); return null; });
                };
                assertEquals(expected, actual, op.toString());
            }
            assertEquals(model, m.getAll());
        }
    }

    @Property(tries = TRIES)
    void arrayHasAFixedKeyRangeAndRefusesDelete(@ForAll("hashOps") List<Op> ops) {
        int max = 6;
        try (KeyValueMap<Integer, Long> m = array(max)) {
            long[] model = new long[max];
            for (Op op : ops) {
                boolean inRange = op.key >= 0 && op.key < max;
                String expected;
                if (!inRange) expected = "IndexOutOfBoundsException";
                else expected = switch (op.kind) {
                    case GET -> "ok " + Optional.of(model[op.key]);
                    case REMOVE -> "SyscallException EINVAL";
                    case LOOKUP_AND_DELETE -> "NotSupportedException";
                    case PUT -> {
                        if (op.mode == PutMode.NO_EXIST) yield "KeyExistsException EEXIST";
                        model[op.key] = op.value;
                        yield "ok null";
                    }
                };
                String actual = switch (op.kind) {
                    case GET -> outcome(() -> m.get(op.key));
                    case REMOVE -> outcome(() -> m.remove(op.key));
                    case LOOKUP_AND_DELETE -> outcome(() -> m.lookupAndDelete(op.key));
                    case PUT -> outcome(() -> { m.put(op.key, op.value, op.mode); return null; });
                };
                if (expected.equals("NotSupportedException")) assertTrue(actual.startsWith(expected), actual);
                else assertEquals(expected, actual, op.toString());
            }
            for (int i = 0; i < max; i++) assertEquals(Optional.of(model[i]), m.get(i));
        }
    }

    @Property(tries = TRIES)
    void lruNeverHoldsMoreThanMaxAndKeepsTheLatestPut(@ForAll @Size(max = 120) List<@IntRange(min = 0, max = 60) Integer> keys) {
        int max = 16;
        try (KeyValueMap<Integer, Long> m = lruHash(max)) {
            for (int k : keys) {
                m.put(k, (long) k * 10);
                assertEquals(Optional.of((long) k * 10), m.get(k), "a key just put is present");
                int size = 0;
                for (Integer ignored : m.keys()) size++;
                assertTrue(size <= max, "LRU holds " + size + " > " + max);
            }
        }
    }

    @Property(tries = TRIES)
    void perCpuSlotsRoundTrip(@ForAll @Size(max = 20) List<@IntRange(min = 0, max = 7) Integer> keys, @ForAll long seed) {
        try (KeyValueMap<Integer, List<Long>> h = perCpuHash(8); KeyValueMap<Integer, List<Long>> a = perCpuArray(8)) {
            Map<Integer, List<Long>> model = new HashMap<>();
            for (int k : keys) {
                List<Long> v = new ArrayList<>();
                for (int c = 0; c < cpus(); c++) v.add(seed + k * 31L + c);
                h.put(k, v);
                a.put(k, v);
                model.put(k, v);
            }
            assertEquals(model, h.getAll());
            for (int i = 0; i < 8; i++) {
                List<Long> expected = model.getOrDefault(i, java.util.Collections.nCopies(cpus(), 0L));
                assertEquals(Optional.of(expected), a.get(i));
            }
            assertThrows(IllegalArgumentException.class, () -> h.put(0, List.of()));
        }
    }

    record Route(int a, int b, int length, boolean remove) {}

    @Provide
    Arbitrary<List<Route>> routes() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 32), Arbitraries.of(false, false, false, true)).as(Route::new).list().ofMaxSize(40);
    }

    static InetAddress addr(int a, int b, int c) {
        try {
            return InetAddress.getByAddress(new byte[] {10, (byte) (a * 64), (byte) (b * 64), (byte) c});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Property(tries = TRIES)
    void lpmTrieReturnsTheLongestMatchingPrefix(@ForAll("routes") List<Route> ops, @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 255) Integer> probes) {
        try (KeyValueMap<Prefix, Integer> m = lpmTrie(64)) {
            Map<Prefix, Integer> model = new LinkedHashMap<>();
            int id = 0;
            for (Route r : ops) {
                Prefix p = new Prefix(addr(r.a, r.b, 7), r.length);
                if (r.remove) assertEquals(model.remove(p) != null, m.remove(p), "remove " + p);
                else {
                    m.put(p, ++id);
                    model.put(p, id);
                }
            }
            for (int probe : probes) {
                InetAddress host = addr(probe & 3, (probe >> 2) & 3, probe);
                Optional<Integer> expected = model.entrySet().stream().filter(e -> e.getKey().contains(host))
                        .max(java.util.Comparator.comparingInt(e -> e.getKey().length())).map(Map.Entry::getValue);
                assertEquals(expected, m.get(Prefix.host(host)), "longest match for " + host.getHostAddress());
            }
        }
    }

    enum QOp { PUSH, PUSH_OVERWRITE, POP, PEEK }

    @Property(tries = TRIES)
    void queueIsFifoAndStackIsLifo(@ForAll @Size(max = 40) List<QOp> ops, @ForAll boolean fifo) {
        int cap = 4;
        try (PushPopMap<Long> m = fifo ? queue(cap) : stack(cap)) {
            ArrayDeque<Long> model = new ArrayDeque<>();
            long next = 0;
            for (QOp op : ops) {
                switch (op) {
                    case PUSH -> {
                        long v = next++;
                        if (model.size() >= cap) assertThrows(MapFullException.class, () -> m.push(v));
                        else {
                            m.push(v);
                            model.addLast(v);
                        }
                    }
                    case PUSH_OVERWRITE -> {
                        long v = next++;
                        m.pushOverwriting(v);
                        if (model.size() >= cap) model.removeFirst();
                        model.addLast(v);
                    }
                    case POP -> assertEquals(Optional.ofNullable(fifo ? model.pollFirst() : model.pollLast()), m.pop());
                    case PEEK -> assertEquals(Optional.ofNullable(fifo ? model.peekFirst() : model.peekLast()), m.peek());
                }
            }
        }
    }

    @Property(tries = TRIES)
    void batchOperationsEqualSingleOperations(@ForAll @Size(max = 40) Map<@IntRange(min = 0, max = 50) Integer, Long> entries,
                                              @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 60) Integer> removals) {
        try (KeyValueMap<Integer, Long> batch = hash(64); KeyValueMap<Integer, Long> single = hash(64)) {
            batch.putAll(entries, PutMode.ANY);
            entries.forEach(single::put);
            assertEquals(single.getAll(), batch.getAll());
            Map<Integer, Long> iterated = new HashMap<>();
            for (Map.Entry<Integer, Long> e : single.entries()) iterated.put(e.getKey(), e.getValue());
            assertEquals(iterated, batch.getAll());
            int removedOneByOne = 0;
            for (int k : removals) if (single.remove(k)) removedOneByOne++;
            assertEquals(removedOneByOne, batch.removeAll(removals));
            assertEquals(single.getAll(), batch.getAll());
        }
    }

    @Property(tries = TRIES)
    void fullHashRejectsNewKeysButAcceptsUpdates(@ForAll @IntRange(min = 1, max = 16) int max) {
        try (KeyValueMap<Integer, Long> m = hash(max)) {
            for (int i = 0; i < max; i++) m.put(i, (long) i);
            assertThrows(MapFullException.class, () -> m.put(max, 0L));
            m.put(0, 42L, PutMode.EXIST);
            assertEquals(Optional.of(42L), m.get(0));
            assertThrows(KeyNotFoundException.class, () -> m.put(max + 1, 0L, PutMode.EXIST));
            assertThrows(KeyExistsException.class, () -> m.put(0, 0L, PutMode.NO_EXIST));
            assertFalse(m.remove(max + 5), "removing a missing key reports false");
        }
    }
}
