package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointConditions;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builders for model objects used across the LB tests. */
final class Fixtures {
    static final InetAddress VIP = InetAddress.ofLiteral("10.96.0.10");

    private Fixtures() {
    }

    static ServiceName name(String n) {
        return new ServiceName("default", n);
    }

    static Service web(String n, InetAddress vip) {
        return Service.clusterIp(name(n), vip, List.of(ServicePort.of("http", Protocol.TCP, 80)));
    }

    static Endpoint ep(String ip, String node) {
        return Endpoint.ready(InetAddress.ofLiteral(ip), node);
    }

    static Endpoint terminating(String ip) {
        return new Endpoint(List.of(InetAddress.ofLiteral(ip)), EndpointConditions.TERMINATING, Optional.of("n1"), Optional.empty());
    }

    static EndpointSlice slice(String service, List<Endpoint> endpoints) {
        return new EndpointSlice("default", service + "-s1", name(service), AddressType.IPV4, endpoints,
                List.of(new EndpointPort("http", Protocol.TCP, 8080)));
    }

    static List<Endpoint> ready(int n) {
        List<Endpoint> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(ep("10.1." + (i / 250) + "." + (i % 250 + 1), "n" + (i % 3)));
        return out;
    }
}
