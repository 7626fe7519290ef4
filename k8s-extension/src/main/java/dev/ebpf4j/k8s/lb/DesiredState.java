package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.model.ServiceType;
import dev.ebpf4j.k8s.model.TrafficPolicy;
import dev.ebpf4j.k8s.source.ClusterSnapshot;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the datapath should contain for a cluster snapshot, before ids and revisions are assigned: for each frontend
 * the backends that may take new connections and those that only keep established flows. Immutable.
 *
 * @param frontends frontend to its specification
 * @param backends  every backend any frontend refers to, with its state (ACTIVE wins when endpoints disagree)
 */
public record DesiredState(Map<Frontend, FrontendSpec> frontends, Map<Backend.Key, BackendState> backends) {
    private static final Comparator<Backend.Key> KEY_ORDER = Comparator
            .comparing(Backend.Key::address, AddressOrder.ADDRESSES)
            .thenComparingInt(Backend.Key::port)
            .thenComparing(Backend.Key::protocol);

    /** Copies into sorted maps. */
    public DesiredState {
        frontends = Collections.unmodifiableMap(new TreeMap<>(frontends));
        var b = new TreeMap<Backend.Key, BackendState>(KEY_ORDER);
        b.putAll(backends);
        backends = Collections.unmodifiableMap(b);
    }

    /**
     * One frontend's wanted choice.
     *
     * @param service                its Service
     * @param portName               its Service port name
     * @param active                 backends for new connections, sorted (the slot order)
     * @param terminating            backends that keep established flows only
     * @param affinityTimeoutSeconds ClientIP timeout or 0
     * @param local                  whether a Local traffic policy filtered the backends
     */
    public record FrontendSpec(ServiceName service, String portName, List<Backend.Key> active, Set<Backend.Key> terminating,
                               int affinityTimeoutSeconds, boolean local) {
        /** Copies the collections. */
        public FrontendSpec {
            active = List.copyOf(active);
            if (terminating.isEmpty()) {
                terminating = Set.of();
            } else {
                var sorted = new TreeSet<Backend.Key>(KEY_ORDER);
                sorted.addAll(terminating);
                terminating = Collections.unmodifiableSet(sorted);
            }
        }
    }

    /**
     * Computes the desired state of a snapshot under a node configuration, from scratch. Pure function: the
     * reference the incremental {@link LbController} is tested against.
     */
    public static DesiredState compute(ClusterSnapshot snapshot, LbConfig config) {
        Map<ServiceName, List<EndpointSlice>> slicesByService = new HashMap<>();
        for (EndpointSlice s : snapshot.slices().values()) {
            slicesByService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s);
        }
        Map<Frontend, FrontendSpec> frontends = new TreeMap<>();
        Map<Backend.Key, BackendState> backends = new HashMap<>();
        for (Service svc : snapshot.services().values()) {
            if (svc.headless()) continue;
            ServicePart part = part(svc, slicesByService.getOrDefault(svc.id(), List.of()), config);
            // two Services claiming one address: the first by namespace/name wins
            for (var e : part.frontends()) frontends.putIfAbsent(e.getKey(), e.getValue());
            for (var e : part.backends().entrySet()) {
                if (e.getValue() == BackendState.ACTIVE) backends.put(e.getKey(), BackendState.ACTIVE);
                else backends.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        return new DesiredState(frontends, backends);
    }

    /** What one Service contributes: its frontends (in order) and the states of its backends. */
    record ServicePart(List<Map.Entry<Frontend, FrontendSpec>> frontends, Map<Backend.Key, BackendState> backends) {
    }

    static ServicePart part(Service svc, List<EndpointSlice> slices, LbConfig config) {
        List<Map.Entry<Frontend, FrontendSpec>> frontends = new ArrayList<>();
        Map<Backend.Key, BackendState> backends = new HashMap<>();
        if (svc.type() == ServiceType.HOST_PORT && !onThisNode(slices, config)) return new ServicePart(List.of(), backends);
        for (ServicePort port : svc.ports()) {
            for (InetAddress family : svc.type() == ServiceType.HOST_PORT ? hostPortFamilies(slices) : families(svc)) {
                boolean v6 = family instanceof Inet6Address;
                for (Frontend f : frontendsOf(svc, port, v6, config)) {
                    TrafficPolicy policy = f.kind().external() ? svc.externalTrafficPolicy() : svc.internalTrafficPolicy();
                    frontends.add(Map.entry(f, spec(svc, port, slices, v6, policy == TrafficPolicy.LOCAL, config, backends)));
                }
            }
        }
        return new ServicePart(List.copyOf(frontends), backends);
    }

    private static List<InetAddress> families(Service svc) {
        List<InetAddress> out = new ArrayList<>();
        boolean v4 = false, v6 = false;
        for (InetAddress a : svc.clusterIps()) {
            if (a instanceof Inet6Address ? !v6 : !v4) out.add(a);
            if (a instanceof Inet6Address) v6 = true; else v4 = true;
        }
        return out;
    }

    /** The address without an interface scope (NetworkInterface lists IPv6 addresses with one; map keys have none). */
    private static InetAddress unscoped(InetAddress ip) {
        try {
            return InetAddress.getByAddress(ip.getAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("4 or 16 address bytes are always an address", e);
        }
    }

    /** Whether the pod of a host-port Service runs here: another node's host ports are that node's business. */
    private static boolean onThisNode(List<EndpointSlice> slices, LbConfig config) {
        for (EndpointSlice s : slices) {
            for (Endpoint e : s.endpoints()) {
                if (e.nodeName().map(config.nodeName()::equals).orElse(false)) return true;
            }
        }
        return false;
    }

    /** One address per family the pod of a host-port Service has (its slices, one per family). */
    private static List<InetAddress> hostPortFamilies(List<EndpointSlice> slices) {
        List<InetAddress> out = new ArrayList<>();
        for (EndpointSlice s : slices) {
            if (!s.endpoints().isEmpty()) out.add(s.endpoints().getFirst().address());
        }
        return out;
    }

    private static List<Frontend> frontendsOf(Service svc, ServicePort port, boolean v6, LbConfig config) {
        List<Frontend> out = new ArrayList<>();
        if (svc.type() == ServiceType.HOST_PORT) {
            /*
             * On this node's own addresses exactly (or its hostIP, if that is one of them), never the node-port wildcard:
             * the tcx program matches a wildcard entry for any destination, so a host port 80 under it would take traffic
             * forwarded to other pods' port 80. Not on loopback: the socket programs run for pods too, whose 127.0.0.1
             * is their own.
             */
            if (!config.nodePorts()) return out;
            for (InetAddress ip : config.nodeAddresses()) {
                if ((ip instanceof Inet6Address) != v6 || ip.isLoopbackAddress() || ip.isLinkLocalAddress()) continue;
                if (svc.externalIps().isEmpty() || svc.externalIps().contains(ip)) {
                    out.add(new Frontend(unscoped(ip), port.port(), port.protocol(), FrontendKind.HOST_PORT));
                }
            }
            return out;
        }
        for (InetAddress ip : svc.clusterIps()) {
            if ((ip instanceof Inet6Address) == v6) out.add(new Frontend(ip, port.port(), port.protocol(), FrontendKind.CLUSTER_IP));
        }
        if (!config.nodePorts()) return out;
        if (port.nodePort() != 0) {
            InetAddress any = InetAddress.ofLiteral(v6 ? "::" : "0.0.0.0");
            out.add(new Frontend(any, port.nodePort(), port.protocol(), FrontendKind.NODE_PORT));
        }
        for (InetAddress ip : svc.externalIps()) {
            if ((ip instanceof Inet6Address) == v6) out.add(new Frontend(ip, port.port(), port.protocol(), FrontendKind.EXTERNAL_IP));
        }
        for (InetAddress ip : svc.loadBalancerIps()) {
            if ((ip instanceof Inet6Address) == v6) out.add(new Frontend(ip, port.port(), port.protocol(), FrontendKind.LOAD_BALANCER));
        }
        return out;
    }

    /**
     * The zone whose hinted endpoints take this frontend's connections, or null to use them all: kube-proxy's rule,
     * which routes by topology only when the Service asks for it, the node has a zone, every ready endpoint carries
     * hints, and at least one is hinted for this zone (so a zone whose endpoints all went away falls back to every
     * ready endpoint). Local traffic policies take precedence and do not consult hints.
     */
    private static String topologyZone(Service svc, ServicePort port, List<EndpointSlice> slices, boolean v6, LbConfig config) {
        if (!svc.topologyAware() || config.zone().isEmpty()) return null;
        String zone = config.zone().get();
        boolean forZone = false;
        for (EndpointSlice slice : slices) {
            if (slice.addressType() != (v6 ? AddressType.IPV6 : AddressType.IPV4)) continue;
            if (slice.ports().stream().noneMatch(p -> p.name().equals(port.name()) && p.protocol() == port.protocol())) continue;
            for (Endpoint e : slice.endpoints()) {
                if (!e.conditions().ready() || e.conditions().terminating()) continue;
                if (e.zoneHints().isEmpty()) return null;
                forZone |= e.zoneHints().contains(zone);
            }
        }
        return forZone ? zone : null;
    }

    private static FrontendSpec spec(Service svc, ServicePort port, List<EndpointSlice> slices, boolean v6, boolean local,
                                     LbConfig config, Map<Backend.Key, BackendState> backends) {
        String zone = local ? null : topologyZone(svc, port, slices, v6, config);
        TreeSet<Backend.Key> active = new TreeSet<>(KEY_ORDER);
        TreeSet<Backend.Key> terminating = new TreeSet<>(KEY_ORDER);
        for (EndpointSlice slice : slices) {
            if (slice.addressType() != (v6 ? AddressType.IPV6 : AddressType.IPV4)) continue;
            EndpointPort ep = null;
            for (EndpointPort p : slice.ports()) {
                if (p.name().equals(port.name()) && p.protocol() == port.protocol()) {
                    ep = p;
                    break;
                }
            }
            if (ep == null) continue;
            for (Endpoint e : slice.endpoints()) {
                Backend.Key key = new Backend.Key(e.address(), ep.port(), port.protocol());
                var c = e.conditions();
                if (c.ready() && !c.terminating()) {
                    if (local && !e.nodeName().map(config.nodeName()::equals).orElse(false)) continue;
                    if (zone != null && !e.zoneHints().contains(zone)) continue;
                    active.add(key);
                } else if (c.terminating() && c.serving()) {
                    terminating.add(key);
                }
            }
        }
        if (!terminating.isEmpty()) terminating.removeAll(active);
        for (Backend.Key k : active) backends.put(k, BackendState.ACTIVE);
        for (Backend.Key k : terminating) backends.putIfAbsent(k, BackendState.TERMINATING);
        int timeout = svc.sessionAffinity().clientIp() ? svc.sessionAffinity().timeoutSeconds() : 0;
        return new FrontendSpec(svc.id(), port.name(), List.copyOf(active), terminating, timeout, local);
    }
}
