package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.lb.DesiredIndex.BackendSlot;
import dev.ebpf4j.k8s.lb.DesiredIndex.FrontendSlot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the dirty slots of a {@link DesiredIndex} into an {@link UpdatePlan} against what the maps hold (kept on
 * the same slots), allocating stable service and backend ids and table revisions. A plan costs what changed; a
 * commit records what it wrote on the slots it planned. Not thread-safe: one {@link LbController} owns a planner.
 */
final class LbPlanner {
    /** What the last plan changes on its slots once committed. */
    private record Pending(UpdatePlan plan, List<FrontendSlot> written, List<ServiceEntry> entries,
                           List<SlotTable> tables, List<FrontendSlot> removed, List<BackendSlot> putSlots,
                           List<Backend> puts, List<BackendSlot> released) {
    }

    private final LbConfig config;
    private final DesiredIndex desired;
    private final Set<Integer> usedBackendIds = new HashSet<>();
    private final Set<Integer> usedServiceIds = new HashSet<>();
    /** Tables a failed plan may have written: deleted by the next plan, after its flips. */
    private final List<SlotTable> strays = new ArrayList<>();
    private int nextServiceId = 1;
    private int nextBackendId = 1;
    private Pending pending;

    /** A planner that continues from {@code applied} (such as state adopted from pinned maps). */
    LbPlanner(LbConfig config, DesiredIndex desired, LbState applied) {
        this.config = config;
        this.desired = desired;
        // whatever the maps hold is re-planned by the first plan: kept if wanted, deleted otherwise
        for (Backend b : applied.backends().values()) {
            BackendSlot s = desired.backend(b.key());
            s.id = b.id();
            s.applied = b;
            usedBackendIds.add(b.id());
        }
        usedServiceIds.addAll(applied.tables().keySet());
        applied.services().forEach((f, e) -> {
            FrontendSlot s = desired.frontend(f);
            s.id = e.id();
            s.applied = e;
            s.table = applied.tables().get(e.id());
            s.lastRevision = e.revision();
            usedServiceIds.add(e.id());
        });
    }

    /** A copy of the state last committed. */
    LbState applied() {
        Map<Frontend, ServiceEntry> services = new HashMap<>();
        Map<Integer, SlotTable> tables = new HashMap<>();
        Map<Integer, Backend> backends = new HashMap<>();
        for (FrontendSlot f : desired.frontendSlots()) {
            if (f.applied == null) continue;
            services.put(f.frontend, f.applied);
            if (f.table != null) tables.put(f.applied.id(), f.table);
        }
        for (BackendSlot b : desired.backendSlots()) if (b.applied != null) backends.put(b.applied.id(), b.applied);
        return new LbState(services, tables, backends);
    }

    /** Plans the dirty frontends and backends; changes nothing but id reservations until {@link #commit}. */
    UpdatePlan plan() {
        List<BackendSlot> putSlots = new ArrayList<>();
        List<Backend> putBackends = new ArrayList<>();
        List<Integer> deleteBackends = new ArrayList<>();
        List<BackendSlot> released = new ArrayList<>();
        for (BackendSlot s : desired.dirtyBackends()) {
            BackendState want = s.want();
            if (want == null) {
                if (s.id == 0) continue;
                deleteBackends.add(s.id); // even if never committed: a failed plan may have written it
                released.add(s);
                continue;
            }
            if (s.id == 0) s.id = allocate(usedBackendIds, true);
            Backend b = new Backend(s.id, s.key.address(), s.key.port(), s.key.protocol(), want);
            if (!b.equals(s.applied)) {
                putSlots.add(s);
                putBackends.add(b);
            }
        }

        List<FrontendSlot> written = new ArrayList<>();
        List<ServiceEntry> entries = new ArrayList<>();
        List<SlotTable> newTables = new ArrayList<>();
        List<FrontendSlot> removed = new ArrayList<>();
        List<SlotTable> putTables = new ArrayList<>();
        List<SlotTable> deleteTables = new ArrayList<>();
        List<UpdatePlan.ServiceWrite> putServices = new ArrayList<>();
        List<Frontend> deleteServices = new ArrayList<>();
        for (FrontendSlot f : desired.dirtyFrontends()) {
            DesiredIndex.Claim claim = f.claim();
            ServiceEntry old = f.applied;
            if (claim == null) {
                if (old == null && !f.uncertain) {
                    if (f.id != 0) removed.add(f); // an id planned but never applied
                    continue;
                }
                deleteServices.add(f.frontend);
                removed.add(f);
                if (f.table != null) deleteTables.add(f.table);
                continue;
            }
            DesiredState.FrontendSpec spec = claim.spec();
            if (f.id == 0) f.id = allocate(usedServiceIds, false);
            int[] slots = new int[claim.active().length];
            for (int i = 0; i < slots.length; i++) slots[i] = claim.active()[i].id;
            SlotTable oldTable = old == null ? null : f.table;
            int[] maglev = maglev(claim, oldTable == null ? 0 : oldTable.maglevSize());
            SlotTable table = oldTable;
            if (f.uncertain || oldTable == null || !oldTable.sameChoice(slots, maglev)) {
                f.lastRevision = nextRevision(f.lastRevision);
                table = new SlotTable(f.id, f.lastRevision, slots, maglev);
                putTables.add(table);
                if (oldTable != null) deleteTables.add(oldTable);
            }
            int flags = (spec.local() ? ServiceEntry.FLAG_LOCAL : 0)
                    | (maglev.length > 0 ? ServiceEntry.FLAG_MAGLEV : 0)
                    | (spec.affinityTimeoutSeconds() > 0 ? ServiceEntry.FLAG_AFFINITY : 0);
            ServiceEntry entry = new ServiceEntry(f.id, table.revision(), slots.length, maglev.length,
                    spec.affinityTimeoutSeconds(), flags, spec.service(), spec.portName());
            if (f.uncertain || !entry.equals(old) || table != oldTable) {
                putServices.add(new UpdatePlan.ServiceWrite(f.frontend, entry));
                written.add(f);
                entries.add(entry);
                newTables.add(table);
            }
        }

        deleteTables.addAll(strays);
        List<UpdatePlan.Step> steps = new ArrayList<>();
        if (!putBackends.isEmpty()) steps.add(new UpdatePlan.PutBackends(putBackends));
        if (!putTables.isEmpty()) steps.add(new UpdatePlan.PutTables(putTables));
        if (!putServices.isEmpty()) steps.add(new UpdatePlan.PutServices(putServices));
        if (!deleteServices.isEmpty()) steps.add(new UpdatePlan.DeleteServices(deleteServices));
        if (!deleteTables.isEmpty()) steps.add(new UpdatePlan.DeleteTables(deleteTables));
        if (!deleteBackends.isEmpty()) steps.add(new UpdatePlan.DeleteBackends(deleteBackends));
        UpdatePlan plan = new UpdatePlan(steps);
        pending = new Pending(plan, written, entries, newTables, removed, putSlots, putBackends, released);
        return plan;
    }

    /**
     * Records that the last plan was applied in full.
     *
     * @throws IllegalStateException when {@code plan} is not the last one planned
     */
    void commit(UpdatePlan plan) {
        Pending p = pending;
        if (p == null || p.plan() != plan) {
            throw new IllegalStateException("only the last plan can be committed; plan again");
        }
        pending = null;
        for (FrontendSlot f : p.removed()) {
            usedServiceIds.remove(f.id);
            f.id = 0;
            f.applied = null;
            f.table = null;
            f.lastRevision = 0;
        }
        for (int i = 0; i < p.written().size(); i++) {
            FrontendSlot f = p.written().get(i);
            f.applied = p.entries().get(i);
            f.table = p.tables().get(i);
        }
        for (BackendSlot s : p.released()) {
            usedBackendIds.remove(s.id);
            s.id = 0;
            s.applied = null;
        }
        for (int i = 0; i < p.putSlots().size(); i++) p.putSlots().get(i).applied = p.puts().get(i);
        for (FrontendSlot f : desired.dirtyFrontends()) f.uncertain = false;
        strays.clear();
        desired.clean();
    }

    /**
     * Records that the last plan failed part-way, so an unknown prefix of its steps reached the maps. Its dirty
     * marks stay, and the next plan treats everything it touched as unknown: frontends are rewritten under fresh
     * revisions, the tables it wrote are deleted after the flips, and backends it deleted are written again if
     * still wanted.
     */
    void abort(UpdatePlan plan) {
        Pending p = pending;
        if (p == null || p.plan() != plan) return;
        pending = null;
        for (UpdatePlan.Step step : plan.steps()) {
            if (step instanceof UpdatePlan.PutTables s) strays.addAll(s.tables());
        }
        p.written().forEach(f -> f.uncertain = true);
        p.removed().forEach(f -> f.uncertain = true);
        p.released().forEach(s -> s.applied = null);
    }

    /**
     * The Maglev table keeps its size while that size is still a prime above 100 × backends and at most 4× the
     * minimum: a flow's entry is {@code hash % size}, so resizing would move nearly every flow, while keeping the
     * size moves only about 1/N of them when one of N backends goes. Growing past the size resizes to the smallest
     * prime above 100 × backends. A fixed size ({@link LbConfig#maglevTableSize()}) is used whenever it holds every
     * backend.
     */
    static int maglevSize(int backends, int currentSize, int fixedSize) {
        if (fixedSize >= backends && fixedSize > 0) return fixedSize;
        int minimum = Maglev.tableSize(backends);
        if (currentSize >= minimum && currentSize <= 4L * minimum) return currentSize;
        return minimum;
    }

    private int[] maglev(DesiredIndex.Claim claim, int currentSize) {
        if (config.selection() != Selection.MAGLEV || claim.active().length == 0) return new int[0];
        List<String> names = claim.spec().active().stream().map(Backend.Key::toString).toList();
        int[] index = Maglev.table(names, maglevSize(names.size(), currentSize, config.maglevTableSize()));
        int[] ids = new int[index.length];
        for (int i = 0; i < index.length; i++) ids[i] = claim.active()[index[i]].id;
        return ids;
    }

    private int allocate(Set<Integer> used, boolean backend) {
        int next = backend ? nextBackendId : nextServiceId;
        while (used.contains(next)) next = next == Integer.MAX_VALUE ? 1 : next + 1;
        used.add(next);
        int after = next == Integer.MAX_VALUE ? 1 : next + 1;
        if (backend) nextBackendId = after; else nextServiceId = after;
        return next;
    }

    private static int nextRevision(int r) {
        return r == Integer.MAX_VALUE ? 1 : r + 1;
    }
}
