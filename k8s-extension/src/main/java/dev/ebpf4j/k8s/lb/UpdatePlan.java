package dev.ebpf4j.k8s.lb;

import java.util.List;

/**
 * An ordered list of batched map updates that takes a datapath from one {@link LbState} to another without ever
 * exposing a dangling reference or an empty slot table to a connection:
 * <ol>
 * <li>{@link PutBackends}: new and changed backends, before anything points at them;</li>
 * <li>{@link PutTables}: slot and Maglev tables under fresh revisions, invisible until flipped;</li>
 * <li>{@link PutServices}: new service entries and the flips to the new revisions (one atomic map write each);</li>
 * <li>{@link DeleteServices}: frontends that went away;</li>
 * <li>{@link DeleteTables}: superseded revisions and the tables of deleted frontends;</li>
 * <li>{@link DeleteBackends}: backends nothing refers to any more.</li>
 * </ol>
 * Steps with nothing to do are left out. Applying the steps in order is the contract of {@link LbDatapath#apply}.
 *
 * @param steps the steps, in application order
 */
public record UpdatePlan(List<Step> steps) {
    /** Copies the steps. */
    public UpdatePlan {
        steps = List.copyOf(steps);
    }

    /** Whether the plan changes nothing. */
    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** The service entries this plan writes, by frontend: the final value of each frontend it changes. */
    public java.util.Map<Frontend, ServiceEntry> serviceWrites() {
        java.util.Map<Frontend, ServiceEntry> out = new java.util.HashMap<>();
        for (Step s : steps) if (s instanceof PutServices p) p.services().forEach(w -> out.put(w.frontend(), w.entry()));
        return out;
    }

    /** Map writes and deletes this plan performs, counting each table element (a rough cost). */
    public long operations() {
        return steps.stream().mapToLong(Step::operations).sum();
    }

    /** One batched step. */
    public sealed interface Step {
        /** Elements written or deleted. */
        long operations();
    }

    /** Upserts backend map entries. @param backends the backends */
    public record PutBackends(List<Backend> backends) implements Step {
        /** Copies. */
        public PutBackends { backends = List.copyOf(backends); }

        @Override
        public long operations() { return backends.size(); }
    }

    /** Writes slot and Maglev tables of new revisions. @param tables the tables */
    public record PutTables(List<SlotTable> tables) implements Step {
        /** Copies. */
        public PutTables { tables = List.copyOf(tables); }

        @Override
        public long operations() { return tables.stream().mapToLong(t -> t.count() + t.maglevSize()).sum(); }
    }

    /**
     * Upserts service map entries.
     *
     * @param services the frontends and their new entries
     */
    public record PutServices(List<ServiceWrite> services) implements Step {
        /** Copies. */
        public PutServices { services = List.copyOf(services); }

        @Override
        public long operations() { return services.size(); }
    }

    /** Deletes service map entries. @param frontends the frontends */
    public record DeleteServices(List<Frontend> frontends) implements Step {
        /** Copies. */
        public DeleteServices { frontends = List.copyOf(frontends); }

        @Override
        public long operations() { return frontends.size(); }
    }

    /** Deletes whole tables of old revisions. @param tables the tables, with the sizes they were written with */
    public record DeleteTables(List<SlotTable> tables) implements Step {
        /** Copies. */
        public DeleteTables { tables = List.copyOf(tables); }

        @Override
        public long operations() { return tables.stream().mapToLong(t -> t.count() + t.maglevSize()).sum(); }
    }

    /** Deletes backend map entries. @param ids the backend ids */
    public record DeleteBackends(List<Integer> ids) implements Step {
        /** Copies. */
        public DeleteBackends { ids = List.copyOf(ids); }

        @Override
        public long operations() { return ids.size(); }
    }

    /**
     * One service map write.
     *
     * @param frontend the key
     * @param entry    the value
     */
    public record ServiceWrite(Frontend frontend, ServiceEntry entry) {
    }
}
