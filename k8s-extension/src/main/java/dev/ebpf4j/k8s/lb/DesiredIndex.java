package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The desired state kept up to date Service by Service: what each Service contributes, which Service owns each
 * frontend (the first by namespace/name, as in {@link DesiredState#compute}), and for each backend how many
 * Services want it active or terminating. Each frontend and backend is one slot object that also carries what the
 * {@link LbPlanner} applied for it, so a change resolves every address once and then works on the slots. Every
 * change marks the slots it may have affected as dirty; the planner looks only at those, so a change costs what it
 * touches rather than the size of the cluster. Equal to {@link DesiredState#compute} of the same inputs (tested).
 * Not thread-safe.
 */
final class DesiredIndex {
    /** One backend address: who wants it, and (owned by the planner) its id and the entry the maps hold. */
    static final class BackendSlot {
        final Backend.Key key;
        int active;
        int terminating;
        boolean dirty;
        /** The allocated id, 0 for none; kept while a plan that wrote it is unconfirmed. */
        int id;
        Backend applied;

        BackendSlot(Backend.Key key) {
            this.key = key;
        }

        /** ACTIVE when any Service wants it active, TERMINATING when only terminating, null when unwanted. */
        BackendState want() {
            return active > 0 ? BackendState.ACTIVE : terminating > 0 ? BackendState.TERMINATING : null;
        }
    }

    /** A Service's claim on a frontend, with the slots of its active backends in slot order. */
    record Claim(DesiredState.FrontendSpec spec, BackendSlot[] active) {
    }

    /** One frontend: the Services claiming it, and (owned by the planner) what the maps hold for it. */
    static final class FrontendSlot {
        final Frontend frontend;
        final TreeMap<ServiceName, Claim> claims = new TreeMap<>();
        boolean dirty;
        /** The service id, 0 for none; kept while a plan that wrote it is unconfirmed. */
        int id;
        ServiceEntry applied;
        SlotTable table;
        /** The highest revision planned, so that a table a failed plan may have written is never reused. */
        int lastRevision;
        /** A failed plan may or may not have changed this frontend's entries: rewrite it in full next time. */
        boolean uncertain;

        FrontendSlot(Frontend frontend) {
            this.frontend = frontend;
        }

        /** The owner's claim, or null when no Service wants the frontend. */
        Claim claim() {
            return claims.isEmpty() ? null : claims.firstEntry().getValue();
        }
    }

    /** A Service's inputs (compared by identity: sources keep unchanged objects identical) and what they claim. */
    private record Contribution(Service service, List<EndpointSlice> slices, FrontendSlot[] frontends, Claim[] claims,
                                BackendSlot[] backends, boolean[] activeRefs) {
        boolean sameInputs(Service s, List<EndpointSlice> sl) {
            if (s != service || sl.size() != slices.size()) return false;
            for (int i = 0; i < sl.size(); i++) if (sl.get(i) != slices.get(i)) return false;
            return true;
        }
    }

    private final LbConfig config;
    private final Map<ServiceName, Contribution> contributions = new HashMap<>();
    private final Map<Frontend, FrontendSlot> frontends = new HashMap<>();
    private final Map<Backend.Key, BackendSlot> backends = new HashMap<>();
    private final List<FrontendSlot> dirtyFrontends = new ArrayList<>();
    private final List<BackendSlot> dirtyBackends = new ArrayList<>();

    DesiredIndex(LbConfig config) {
        this.config = config;
    }

    /**
     * Sets one Service's inputs.
     *
     * @param service the Service, or null when it is gone
     * @param slices  every slice pointing at it, in slice-name order
     */
    void update(ServiceName name, Service service, List<EndpointSlice> slices) {
        Contribution old = contributions.get(name);
        if (service != null && service.headless()) service = null;
        if (service == null && old == null) return;
        if (service != null && old != null && old.sameInputs(service, slices)) return;
        if (old != null) withdraw(name, old);
        if (service != null) {
            contributions.put(name, contribute(name, service, List.copyOf(slices)));
        } else {
            contributions.remove(name);
        }
    }

    /** The Services this index holds inputs for. */
    Set<ServiceName> services() {
        return contributions.keySet();
    }

    private void withdraw(ServiceName name, Contribution c) {
        for (int i = 0; i < c.frontends().length; i++) {
            FrontendSlot f = c.frontends()[i];
            if (f.claims.get(name) == c.claims()[i]) {
                f.claims.remove(name);
                dirty(f);
            }
        }
        for (int i = 0; i < c.backends().length; i++) {
            BackendSlot b = c.backends()[i];
            if (c.activeRefs()[i]) b.active--; else b.terminating--;
            dirty(b);
        }
    }

    private Contribution contribute(ServiceName name, Service service, List<EndpointSlice> slices) {
        DesiredState.ServicePart part = DesiredState.part(service, slices, config);
        BackendSlot[] bs = new BackendSlot[part.backends().size()];
        boolean[] activeRefs = new boolean[bs.length];
        Map<Backend.Key, BackendSlot> mine = new HashMap<>(bs.length * 2);
        int n = 0;
        for (var e : part.backends().entrySet()) {
            BackendSlot b = backends.computeIfAbsent(e.getKey(), BackendSlot::new);
            boolean active = e.getValue() == BackendState.ACTIVE;
            if (active) b.active++; else b.terminating++;
            bs[n] = b;
            activeRefs[n++] = active;
            mine.put(e.getKey(), b);
            dirty(b);
        }
        FrontendSlot[] fs = new FrontendSlot[part.frontends().size()];
        Claim[] claims = new Claim[fs.length];
        for (int i = 0; i < fs.length; i++) {
            var e = part.frontends().get(i);
            List<Backend.Key> active = e.getValue().active();
            BackendSlot[] slots = new BackendSlot[active.size()];
            for (int k = 0; k < slots.length; k++) slots[k] = mine.get(active.get(k));
            FrontendSlot f = frontends.computeIfAbsent(e.getKey(), FrontendSlot::new);
            Claim c = new Claim(e.getValue(), slots);
            // within one Service the first frontend of a key wins, as in DesiredState.compute
            if (f.claims.putIfAbsent(name, c) == null) dirty(f);
            fs[i] = f;
            claims[i] = c;
        }
        return new Contribution(service, slices, fs, claims, bs, activeRefs);
    }

    private void dirty(FrontendSlot f) {
        if (!f.dirty) {
            f.dirty = true;
            dirtyFrontends.add(f);
        }
    }

    private void dirty(BackendSlot b) {
        if (!b.dirty) {
            b.dirty = true;
            dirtyBackends.add(b);
        }
    }

    /** The slot of a backend address, created empty when new (for adopting applied state). */
    BackendSlot backend(Backend.Key key) {
        BackendSlot b = backends.computeIfAbsent(key, BackendSlot::new);
        dirty(b);
        return b;
    }

    /** The slot of a frontend, created empty when new (for adopting applied state). */
    FrontendSlot frontend(Frontend f) {
        FrontendSlot s = frontends.computeIfAbsent(f, FrontendSlot::new);
        dirty(s);
        return s;
    }

    /** Frontends changed since {@link #clean}; live view, each once. */
    List<FrontendSlot> dirtyFrontends() {
        return dirtyFrontends;
    }

    /** Backends changed since {@link #clean}; live view, each once. */
    List<BackendSlot> dirtyBackends() {
        return dirtyBackends;
    }

    /** Forgets the dirty marks once a plan covering them is applied, and drops slots that hold nothing any more. */
    void clean() {
        for (FrontendSlot f : dirtyFrontends) {
            f.dirty = false;
            if (f.claims.isEmpty() && f.applied == null && f.id == 0) frontends.remove(f.frontend);
        }
        for (BackendSlot b : dirtyBackends) {
            b.dirty = false;
            if (b.want() == null && b.applied == null && b.id == 0) backends.remove(b.key);
        }
        dirtyFrontends.clear();
        dirtyBackends.clear();
    }

    /** Every frontend slot (for reading the applied state). */
    Iterable<FrontendSlot> frontendSlots() {
        return frontends.values();
    }

    /** Every backend slot (for reading the applied state). */
    Iterable<BackendSlot> backendSlots() {
        return backends.values();
    }

    /** The whole desired state, for comparison with {@link DesiredState#compute} (a full copy). */
    DesiredState snapshot() {
        Map<Frontend, DesiredState.FrontendSpec> f = new HashMap<>();
        frontends.forEach((k, s) -> {
            if (s.claim() != null) f.put(k, s.claim().spec());
        });
        Map<Backend.Key, BackendState> b = new HashMap<>();
        backends.forEach((k, s) -> {
            if (s.want() != null) b.put(k, s.want());
        });
        return new DesiredState(f, b);
    }
}
