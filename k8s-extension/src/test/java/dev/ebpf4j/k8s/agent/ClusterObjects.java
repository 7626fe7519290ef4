package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.testkit.TestCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.util.List;

/** Services and EndpointSlices as the API server holds them, for {@link ClusterTestbed} tests. */
final class ClusterObjects {
    private ClusterObjects() {
    }

    /** A Service spec under construction: ports "http" (TCP 80 to 8080) and "dns" (UDP 53 to 5353). */
    record Svc(String name, String type, List<String> clusterIps, int httpNodePort, int dnsNodePort, List<String> externalIps,
               String loadBalancerIp, String externalPolicy, String internalPolicy, int healthCheckNodePort) {
        static Svc clusterIp(String name, String... clusterIps) {
            return new Svc(name, "ClusterIP", List.of(clusterIps), 0, 0, List.of(), null, null, null, 0);
        }

        Svc nodePort(int http, int dns) {
            return new Svc(name, loadBalancerIp == null ? "NodePort" : "LoadBalancer", clusterIps, http, dns, externalIps,
                    loadBalancerIp, externalPolicy, internalPolicy, healthCheckNodePort);
        }

        Svc externalIps(String... ips) {
            return new Svc(name, type, clusterIps, httpNodePort, dnsNodePort, List.of(ips), loadBalancerIp, externalPolicy,
                    internalPolicy, healthCheckNodePort);
        }

        Svc loadBalancer(String ip, int healthCheckPort) {
            return new Svc(name, "LoadBalancer", clusterIps, httpNodePort, dnsNodePort, externalIps, ip, externalPolicy,
                    internalPolicy, healthCheckPort);
        }

        Svc policies(String external, String internal) {
            return new Svc(name, type, clusterIps, httpNodePort, dnsNodePort, externalIps, loadBalancerIp, external, internal,
                    healthCheckNodePort);
        }

        Service build() {
            var ports = List.of(
                    new ServicePortBuilder().withName("http").withProtocol("TCP").withPort(80).withTargetPort(new IntOrString(8080))
                            .withNodePort(httpNodePort == 0 ? null : httpNodePort).build(),
                    new ServicePortBuilder().withName("dns").withProtocol("UDP").withPort(53).withTargetPort(new IntOrString(5353))
                            .withNodePort(dnsNodePort == 0 ? null : dnsNodePort).build());
            var spec = new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                    .withNewSpec().withType(type).withClusterIP(clusterIps.getFirst()).withClusterIPs(clusterIps)
                    .withIpFamilies(clusterIps.stream().map(ip -> ip.contains(":") ? "IPv6" : "IPv4").toList())
                    .withPorts(ports).withExternalIPs(externalIps).withExternalTrafficPolicy(externalPolicy)
                    .withInternalTrafficPolicy(internalPolicy)
                    .withHealthCheckNodePort(healthCheckNodePort == 0 ? null : healthCheckNodePort).endSpec();
            if (loadBalancerIp != null) {
                spec = spec.withNewStatus().withNewLoadBalancer().addNewIngress().withIp(loadBalancerIp).endIngress()
                        .endLoadBalancer().endStatus();
            }
            return spec.build();
        }
    }

    /** The slices of Service {@code service} listing {@code pods} as ready endpoints, one per family. */
    static List<EndpointSlice> slices(String service, List<TestCluster.Pod> pods) {
        return List.of(slice(service, "IPv4", pods), slice(service, "IPv6", pods));
    }

    private static EndpointSlice slice(String service, String family, List<TestCluster.Pod> pods) {
        List<Endpoint> endpoints = pods.stream().map(p -> new EndpointBuilder()
                .withAddresses((family.equals("IPv4") ? p.ipv4() : p.ipv6()).getHostAddress()).withNodeName(p.node().name())
                .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
                .withNewTargetRef().withKind("Pod").withNamespace("default").withName(p.name()).endTargetRef().build()).toList();
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(service + "-" + family.toLowerCase())
                .addToLabels("kubernetes.io/service-name", service).endMetadata()
                .withAddressType(family).withEndpoints(endpoints)
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort()
                .addNewPort().withName("dns").withProtocol("UDP").withPort(5353).endPort().build();
    }
}
