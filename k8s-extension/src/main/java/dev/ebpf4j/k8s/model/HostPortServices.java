package dev.ebpf4j.k8s.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code hostPort}s of a pod as the load balancer serves them: one {@link ServiceType#HOST_PORT} Service per host
 * address the pod's ports bind (every node address, or a {@code hostIP}), each with an EndpointSlice per address
 * family holding the pod alone. The load balancer then forwards {@code <node address>:hostPort} to
 * {@code <pod IP>:containerPort} on the pod's node only, through the same maps and programs as node ports (as
 * Cilium's kube-proxy replacement does), so no other node forwards it and no iptables rule is needed. It needs the
 * node's addresses for that ({@code LbConfig.withNodeAddresses}).
 *
 * <p>The Services are named {@code <pod>.hostport} (and {@code <pod>.hostport.<hostIP>}): Service names are DNS
 * labels without dots, so no real Service has such a name.
 *
 * {@snippet :
 * HostPortServices hp = HostPortServices.of(pod);
 * hp.services().forEach(store::putService);
 * hp.slices().forEach(store::putSlice);
 * }
 *
 * @param services the host-port Services, empty when the pod forwards no host port or has no address yet
 * @param slices   their EndpointSlices
 */
public record HostPortServices(List<Service> services, List<EndpointSlice> slices) {
    /** The suffix of a host-port Service's name. */
    public static final String SUFFIX = ".hostport";

    /** Copies the lists. */
    public HostPortServices {
        services = List.copyOf(services);
        slices = List.copyOf(slices);
    }

    /**
     * @param pod a pod
     * @return what its host ports contribute; nothing for a pod without host ports, node or addresses
     */
    public static HostPortServices of(Pod pod) {
        Map<Optional<InetAddress>, List<ContainerPort>> byHostIp = new LinkedHashMap<>();
        for (ContainerPort p : pod.ports()) {
            if (p.hostPort() != 0) byHostIp.computeIfAbsent(p.hostIp(), k -> new ArrayList<>()).add(p);
        }
        if (byHostIp.isEmpty() || pod.ips().isEmpty() || pod.node().isEmpty()) return new HostPortServices(List.of(), List.of());
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (var e : byHostIp.entrySet()) {
            ServiceName id = serviceName(pod, e.getKey());
            List<ServicePort> ports = new ArrayList<>();
            List<EndpointPort> endpointPorts = new ArrayList<>();
            for (ContainerPort p : e.getValue()) {
                Protocol protocol = Protocol.valueOf(p.protocol().name());
                String name = protocol.name().toLowerCase(java.util.Locale.ROOT) + "-" + p.hostPort();
                if (ports.stream().anyMatch(x -> x.name().equals(name))) continue; // the API server refuses such pods
                ports.add(new ServicePort(name, protocol, p.hostPort(), new TargetPort.Number(p.port()), 0));
                endpointPorts.add(new EndpointPort(name, protocol, p.port()));
            }
            List<EndpointSlice> own = new ArrayList<>();
            for (InetAddress ip : pod.ips()) {
                if (e.getKey().isPresent() && (e.getKey().get() instanceof Inet6Address) != (ip instanceof Inet6Address)) continue;
                AddressType type = ip instanceof Inet6Address ? AddressType.IPV6 : AddressType.IPV4;
                own.add(new EndpointSlice(id.namespace(), id.name() + "-" + type.name().toLowerCase(java.util.Locale.ROOT),
                        id, type, List.of(Endpoint.ready(ip, pod.node())), endpointPorts));
            }
            if (own.isEmpty()) continue; // a hostIP of a family the pod has no address in: nothing to forward to
            services.add(new Service(id, ServiceType.HOST_PORT, List.of(), ports, e.getKey().map(List::of).orElse(List.of()),
                    List.of(), SessionAffinity.NONE, TrafficPolicy.LOCAL, TrafficPolicy.LOCAL));
            slices.addAll(own);
        }
        return new HostPortServices(services, slices);
    }

    private static ServiceName serviceName(Pod pod, Optional<InetAddress> hostIp) {
        String suffix = hostIp.map(a -> SUFFIX + "." + a.getHostAddress().replace(':', '-')).orElse(SUFFIX);
        return new ServiceName(pod.namespace(), pod.name() + suffix);
    }
}
