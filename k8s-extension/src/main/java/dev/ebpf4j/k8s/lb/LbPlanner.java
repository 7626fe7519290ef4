package dev.ebpf4j.k8s.lb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns desired states into {@link UpdatePlan}s against the state last applied, allocating stable service and backend
 * ids and table revisions. Not thread-safe: one controller thread owns a planner.
 *
 * {@snippet :
 * LbPlanner planner = new LbPlanner(config, LbState.EMPTY);
 * UpdatePlan plan = planner.plan(DesiredState.compute(snapshot, config));
 * datapath.apply(plan);
 * planner.commit(plan);
 * }
 */
public final class LbPlanner {
    private final LbConfig config;
    private LbState applied;
    private int nextServiceId = 1;
    private int nextBackendId = 1;
    /** The specs behind the applied state: a frontend whose spec is the same instance again needs no work. */
    private Map<Frontend, DesiredState.FrontendSpec> appliedSpecs = Map.of();
    private UpdatePlan lastPlan;
    private Map<Frontend, DesiredState.FrontendSpec> lastPlanSpecs = Map.of();

    /** A planner that continues from a state already in the maps (such as {@link LbState#EMPTY} for new maps). */
    public LbPlanner(LbConfig config, LbState applied) {
        this.config = config;
        this.applied = applied;
    }

    /** The state last committed. */
    public LbState applied() {
        return applied;
    }

    /** Computes the plan from the applied state to {@code desired}; changes nothing until {@link #commit}. */
    public UpdatePlan plan(DesiredState desired) {
        LbState before = applied;
        Map<Backend.Key, Integer> idOf = new HashMap<>();
        Set<Integer> usedBackendIds = new HashSet<>(before.backends().keySet());
        for (Backend b : before.backends().values()) idOf.put(b.key(), b.id());

        Map<Integer, Backend> backendsAfter = new TreeMap<>();
        List<Backend> putBackends = new ArrayList<>();
        for (var e : desired.backends().entrySet()) {
            Integer id = idOf.get(e.getKey());
            if (id == null) {
                id = allocateBackendId(usedBackendIds);
                idOf.put(e.getKey(), id);
            }
            Backend b = new Backend(id, e.getKey().address(), e.getKey().port(), e.getKey().protocol(), e.getValue());
            backendsAfter.put(id, b);
            if (!b.equals(before.backends().get(id))) putBackends.add(b);
        }

        Set<Integer> usedServiceIds = new HashSet<>(before.tables().keySet());
        for (ServiceEntry e : before.services().values()) usedServiceIds.add(e.id());
        Map<Frontend, ServiceEntry> servicesAfter = new TreeMap<>();
        Map<Integer, SlotTable> tablesAfter = new TreeMap<>();
        List<SlotTable> putTables = new ArrayList<>();
        List<SlotTable> deleteTables = new ArrayList<>();
        List<UpdatePlan.ServiceWrite> putServices = new ArrayList<>();
        for (var e : desired.frontends().entrySet()) {
            Frontend f = e.getKey();
            DesiredState.FrontendSpec spec = e.getValue();
            ServiceEntry old = before.services().get(f);
            if (old != null && appliedSpecs.get(f) == spec && before.tables().containsKey(old.id())) {
                servicesAfter.put(f, old);
                tablesAfter.put(old.id(), before.tables().get(old.id()));
                continue;
            }
            int id = old != null ? old.id() : allocateServiceId(usedServiceIds);
            int[] slots = spec.active().stream().mapToInt(idOf::get).toArray();
            SlotTable oldTable = old == null ? null : before.tables().get(id);
            int[] maglev = maglev(spec, idOf, oldTable == null ? 0 : oldTable.maglevSize());
            SlotTable table;
            if (oldTable != null && oldTable.sameChoice(new SlotTable(id, 0, slots, maglev))) {
                table = oldTable;
            } else {
                int revision = old == null ? 1 : nextRevision(old.revision());
                table = new SlotTable(id, revision, slots, maglev);
                putTables.add(table);
                if (oldTable != null) deleteTables.add(oldTable);
            }
            tablesAfter.put(id, table);
            int flags = (spec.local() ? ServiceEntry.FLAG_LOCAL : 0)
                    | (maglev.length > 0 ? ServiceEntry.FLAG_MAGLEV : 0)
                    | (spec.affinityTimeoutSeconds() > 0 ? ServiceEntry.FLAG_AFFINITY : 0);
            ServiceEntry entry = new ServiceEntry(id, table.revision(), slots.length, maglev.length,
                    spec.affinityTimeoutSeconds(), flags, spec.service(), spec.portName());
            servicesAfter.put(f, entry);
            if (!entry.equals(old)) putServices.add(new UpdatePlan.ServiceWrite(f, entry));
        }

        List<Frontend> deleteServices = new ArrayList<>();
        for (var e : before.services().entrySet()) {
            if (servicesAfter.containsKey(e.getKey())) continue;
            deleteServices.add(e.getKey());
            SlotTable t = before.tables().get(e.getValue().id());
            if (t != null) deleteTables.add(t);
        }
        List<Integer> deleteBackends = new ArrayList<>();
        for (Integer id : before.backends().keySet()) {
            if (!backendsAfter.containsKey(id)) deleteBackends.add(id);
        }

        List<UpdatePlan.Step> steps = new ArrayList<>();
        if (!putBackends.isEmpty()) steps.add(new UpdatePlan.PutBackends(putBackends));
        if (!putTables.isEmpty()) steps.add(new UpdatePlan.PutTables(putTables));
        if (!putServices.isEmpty()) steps.add(new UpdatePlan.PutServices(putServices));
        if (!deleteServices.isEmpty()) steps.add(new UpdatePlan.DeleteServices(deleteServices));
        if (!deleteTables.isEmpty()) steps.add(new UpdatePlan.DeleteTables(deleteTables));
        if (!deleteBackends.isEmpty()) steps.add(new UpdatePlan.DeleteBackends(deleteBackends));
        UpdatePlan plan = new UpdatePlan(steps, before, new LbState(servicesAfter, tablesAfter, backendsAfter));
        lastPlan = plan;
        lastPlanSpecs = desired.frontends();
        return plan;
    }

    /**
     * Records that a plan was applied in full.
     *
     * @throws IllegalStateException when the plan was computed against another state than the one applied
     */
    public void commit(UpdatePlan plan) {
        if (plan.before() != applied) {
            throw new IllegalStateException("plan was computed against a state that is no longer the applied one; plan again");
        }
        applied = plan.after();
        appliedSpecs = plan == lastPlan ? lastPlanSpecs : Map.of();
    }

    /**
     * The Maglev table keeps its size while that size is still a prime above 100 × backends and at most 4× the
     * minimum: a flow's entry is {@code hash % size}, so resizing would move nearly every flow, while keeping the
     * size moves only about 1/N of them when one of N backends goes. Growing past the size resizes to the smallest
     * prime above 100 × backends.
     */
    static int maglevSize(int backends, int currentSize) {
        int minimum = Maglev.tableSize(backends);
        if (currentSize >= minimum && currentSize <= 4L * minimum) return currentSize;
        return minimum;
    }

    private int[] maglev(DesiredState.FrontendSpec spec, Map<Backend.Key, Integer> idOf, int currentSize) {
        if (config.selection() != Selection.MAGLEV || spec.active().isEmpty()) return new int[0];
        List<String> names = spec.active().stream().map(Backend.Key::toString).toList();
        int[] index = Maglev.table(names, maglevSize(names.size(), currentSize));
        int[] ids = new int[index.length];
        for (int i = 0; i < index.length; i++) ids[i] = idOf.get(spec.active().get(index[i]));
        return ids;
    }

    private int allocateBackendId(Set<Integer> used) {
        while (used.contains(nextBackendId)) nextBackendId = nextBackendId == Integer.MAX_VALUE ? 1 : nextBackendId + 1;
        int id = nextBackendId;
        used.add(id);
        nextBackendId = id == Integer.MAX_VALUE ? 1 : id + 1;
        return id;
    }

    private int allocateServiceId(Set<Integer> used) {
        while (used.contains(nextServiceId)) nextServiceId = nextServiceId == Integer.MAX_VALUE ? 1 : nextServiceId + 1;
        int id = nextServiceId;
        used.add(id);
        nextServiceId = id == Integer.MAX_VALUE ? 1 : id + 1;
        return id;
    }

    private static int nextRevision(int r) {
        return r == Integer.MAX_VALUE ? 1 : r + 1;
    }
}
