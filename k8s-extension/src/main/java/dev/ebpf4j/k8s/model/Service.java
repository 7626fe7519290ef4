package dev.ebpf4j.k8s.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kubernetes Service as the load balancer sees it: where it listens and how it chooses endpoints. Immutable.
 *
 * @param id                    namespace and name
 * @param type                  ClusterIP, NodePort or LoadBalancer
 * @param clusterIps            {@code spec.clusterIPs} (IPv4 and/or IPv6); empty for headless Services
 * @param ports                 {@code spec.ports}
 * @param externalIps           {@code spec.externalIPs}
 * @param loadBalancerIps       {@code status.loadBalancer.ingress[].ip}
 * @param sessionAffinity       ClientIP affinity or none
 * @param externalTrafficPolicy applies to node ports, external IPs and load-balancer IPs
 * @param internalTrafficPolicy applies to cluster IPs
 * @param healthCheckNodePort   {@code spec.healthCheckNodePort}: where each node answers a cloud load balancer's
 *                              health check for a LoadBalancer Service with {@code externalTrafficPolicy: Local}; 0 for none
 * @param topologyAware         whether new connections prefer the endpoints hinted for this node's zone
 *                              ({@code spec.trafficDistribution} set, or the {@code service.kubernetes.io/topology-mode:
 *                              Auto} annotation), as kube-proxy's topology-aware routing does
 * @param loadBalancerSourceRanges {@code spec.loadBalancerSourceRanges} (or the older annotation): the clients
 *                              allowed to reach the load-balancer IPs; empty allows every client
 */
public record Service(ServiceName id, ServiceType type, List<InetAddress> clusterIps, List<ServicePort> ports,
                      List<InetAddress> externalIps, List<InetAddress> loadBalancerIps, SessionAffinity sessionAffinity,
                      TrafficPolicy externalTrafficPolicy, TrafficPolicy internalTrafficPolicy, int healthCheckNodePort,
                      boolean topologyAware, List<Cidr> loadBalancerSourceRanges) {
    /** Copies lists and checks that port names are unique, as the API server guarantees. */
    public Service {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        clusterIps = List.copyOf(clusterIps);
        ports = List.copyOf(ports);
        externalIps = List.copyOf(externalIps);
        loadBalancerIps = List.copyOf(loadBalancerIps);
        loadBalancerSourceRanges = loadBalancerSourceRanges == null ? List.of() : List.copyOf(loadBalancerSourceRanges);
        sessionAffinity = sessionAffinity == null ? SessionAffinity.NONE : sessionAffinity;
        externalTrafficPolicy = externalTrafficPolicy == null ? TrafficPolicy.CLUSTER : externalTrafficPolicy;
        internalTrafficPolicy = internalTrafficPolicy == null ? TrafficPolicy.CLUSTER : internalTrafficPolicy;
        if (ports.stream().map(ServicePort::name).distinct().count() != ports.size()) {
            throw new IllegalArgumentException("Service " + id + " has duplicate port names: " + ports);
        }
        if (healthCheckNodePort < 0 || healthCheckNodePort > 65535) {
            throw new IllegalArgumentException("Service " + id + " has healthCheckNodePort " + healthCheckNodePort + ", not a port");
        }
        if (healthCheckNodePort != 0 && (type != ServiceType.LOAD_BALANCER || externalTrafficPolicy != TrafficPolicy.LOCAL)) {
            throw new IllegalArgumentException("Service " + id + " has healthCheckNodePort " + healthCheckNodePort
                    + " but is not a LoadBalancer with externalTrafficPolicy Local");
        }
        for (ServicePort p : ports) {
            if (p.nodePort() != 0 && !type.hasNodePorts()) {
                throw new IllegalArgumentException("Service " + id + " of type " + type + " has nodePort " + p.nodePort());
            }
        }
    }

    /** A Service without source ranges. */
    public Service(ServiceName id, ServiceType type, List<InetAddress> clusterIps, List<ServicePort> ports,
                   List<InetAddress> externalIps, List<InetAddress> loadBalancerIps, SessionAffinity sessionAffinity,
                   TrafficPolicy externalTrafficPolicy, TrafficPolicy internalTrafficPolicy, int healthCheckNodePort,
                   boolean topologyAware) {
        this(id, type, clusterIps, ports, externalIps, loadBalancerIps, sessionAffinity, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, topologyAware, List.of());
    }

    /** A Service without topology-aware routing. */
    public Service(ServiceName id, ServiceType type, List<InetAddress> clusterIps, List<ServicePort> ports,
                   List<InetAddress> externalIps, List<InetAddress> loadBalancerIps, SessionAffinity sessionAffinity,
                   TrafficPolicy externalTrafficPolicy, TrafficPolicy internalTrafficPolicy, int healthCheckNodePort) {
        this(id, type, clusterIps, ports, externalIps, loadBalancerIps, sessionAffinity, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, false);
    }

    /** A Service without a health-check node port. */
    public Service(ServiceName id, ServiceType type, List<InetAddress> clusterIps, List<ServicePort> ports,
                   List<InetAddress> externalIps, List<InetAddress> loadBalancerIps, SessionAffinity sessionAffinity,
                   TrafficPolicy externalTrafficPolicy, TrafficPolicy internalTrafficPolicy) {
        this(id, type, clusterIps, ports, externalIps, loadBalancerIps, sessionAffinity, externalTrafficPolicy,
                internalTrafficPolicy, 0, false);
    }

    /** A ClusterIP Service with Cluster traffic policies and no affinity. */
    public static Service clusterIp(ServiceName id, InetAddress clusterIp, List<ServicePort> ports) {
        return new Service(id, ServiceType.CLUSTER_IP, List.of(clusterIp), ports, List.of(), List.of(),
                SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
    }

    /** Whether the Service has no cluster IP ({@code clusterIP: None}) and so nothing to load-balance. */
    public boolean headless() {
        return clusterIps.isEmpty() && type != ServiceType.HOST_PORT;
    }

    /** The port with this name. */
    public Optional<ServicePort> port(String name) {
        return ports.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** This Service with other session affinity. */
    public Service withSessionAffinity(SessionAffinity affinity) {
        return new Service(id, type, clusterIps, ports, externalIps, loadBalancerIps, affinity, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, topologyAware, loadBalancerSourceRanges);
    }

    /** This Service with topology-aware routing on or off. */
    public Service withTopologyAware(boolean on) {
        return new Service(id, type, clusterIps, ports, externalIps, loadBalancerIps, sessionAffinity, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, on, loadBalancerSourceRanges);
    }

    /** This Service with other load-balancer source ranges. */
    public Service withLoadBalancerSourceRanges(List<Cidr> ranges) {
        return new Service(id, type, clusterIps, ports, externalIps, loadBalancerIps, sessionAffinity, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, topologyAware, ranges);
    }

    /** This Service with other traffic policies. */
    public Service withTrafficPolicies(TrafficPolicy external, TrafficPolicy internal) {
        return new Service(id, type, clusterIps, ports, externalIps, loadBalancerIps, sessionAffinity, external, internal,
                healthCheckNodePort != 0 && type == ServiceType.LOAD_BALANCER && external == TrafficPolicy.LOCAL ? healthCheckNodePort : 0,
                topologyAware, loadBalancerSourceRanges);
    }
}
