package dev.ebpf4j.k8s.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class ConverterTest {
    @Test
    void convertsEveryLoadBalancingFieldOfAService() {
        var s = new ServiceBuilder()
                .withNewMetadata().withNamespace("shop").withName("web").endMetadata()
                .withNewSpec().withType("LoadBalancer").withClusterIPs("10.96.0.10", "fd00::10")
                .addNewPort().withName("http").withProtocol("TCP").withPort(80).withTargetPort(new IntOrString("web")).withNodePort(30080).endPort()
                .addNewPort().withName("dns").withProtocol("UDP").withPort(53).withTargetPort(new IntOrString(5353)).withNodePort(30053).endPort()
                .withExternalIPs("192.0.2.7").withSessionAffinity("ClientIP")
                .withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(60).endClientIP().endSessionAffinityConfig()
                .withExternalTrafficPolicy("Local").withInternalTrafficPolicy("Cluster")
                .endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("198.51.100.1").endIngress().endLoadBalancer().endStatus()
                .build();
        Service svc = ServiceConverter.convert(s).orElseThrow();
        assertEquals(new ServiceName("shop", "web"), svc.id());
        assertEquals(ServiceType.LOAD_BALANCER, svc.type());
        assertEquals(List.of(InetAddress.ofLiteral("10.96.0.10"), InetAddress.ofLiteral("fd00::10")), svc.clusterIps());
        assertEquals(new ServicePort("http", Protocol.TCP, 80, TargetPort.of("web"), 30080), svc.port("http").orElseThrow());
        assertEquals(new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(5353), 30053), svc.port("dns").orElseThrow());
        assertEquals(List.of(InetAddress.ofLiteral("192.0.2.7")), svc.externalIps());
        assertEquals(List.of(InetAddress.ofLiteral("198.51.100.1")), svc.loadBalancerIps());
        assertEquals(new SessionAffinity(true, 60), svc.sessionAffinity());
        assertEquals(TrafficPolicy.LOCAL, svc.externalTrafficPolicy());
        assertEquals(TrafficPolicy.CLUSTER, svc.internalTrafficPolicy());
    }

    @Test
    void appliesApiDefaults() {
        var s = new ServiceBuilder().withNewMetadata().withNamespace("a").withName("b").endMetadata()
                .withNewSpec().withClusterIP("10.0.0.1").addNewPort().withPort(8080).endPort()
                .withSessionAffinity("ClientIP").endSpec().build();
        Service svc = ServiceConverter.convert(s).orElseThrow();
        assertEquals(ServiceType.CLUSTER_IP, svc.type());
        assertEquals(new ServicePort("", Protocol.TCP, 8080, TargetPort.of(8080), 0), svc.ports().getFirst());
        assertEquals(SessionAffinity.DEFAULT_TIMEOUT_SECONDS, svc.sessionAffinity().timeoutSeconds());
    }

    @Test
    void headlessAndExternalNameServices() {
        var headless = new ServiceBuilder().withNewMetadata().withNamespace("a").withName("h").endMetadata()
                .withNewSpec().withClusterIP("None").endSpec().build();
        assertTrue(ServiceConverter.convert(headless).orElseThrow().headless());
        var ext = new ServiceBuilder().withNewMetadata().withNamespace("a").withName("x").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("example.org").endSpec().build();
        assertEquals(Optional.empty(), ServiceConverter.convert(ext));
    }

    @Test
    void servicesLabelledForAnotherProxyAreLeftToIt() {
        var plain = new ServiceBuilder().withNewMetadata().withNamespace("a").withName("plain").endMetadata()
                .withNewSpec().withClusterIP("10.0.0.1").addNewPort().withPort(80).endPort().endSpec().build();
        var other = new ServiceBuilder(plain).editMetadata().withName("other")
                .addToLabels(ServiceConverter.SERVICE_PROXY_NAME_LABEL, "other-proxy").endMetadata().build();
        var ours = new ServiceBuilder(plain).editMetadata().withName("ours")
                .addToLabels(ServiceConverter.SERVICE_PROXY_NAME_LABEL, "ebpf4j").endMetadata().build();
        assertTrue(ServiceConverter.convert(plain).isPresent(), "unlabelled: kube-proxy's, so ours without a name");
        assertEquals(Optional.empty(), ServiceConverter.convert(other));
        assertEquals(Optional.empty(), ServiceConverter.convert(ours), "labelled for any proxy is not kube-proxy's");
        assertEquals(Optional.empty(), ServiceConverter.convert(plain, "ebpf4j"), "a named proxy serves only its own");
        assertEquals(Optional.empty(), ServiceConverter.convert(other, "ebpf4j"));
        assertEquals("ours", ServiceConverter.convert(ours, "ebpf4j").orElseThrow().id().name());

        for (String bad : List.of("", "-x", "a b", "x".repeat(64))) {
            var e = assertThrows(IllegalArgumentException.class, () -> ServiceConverter.checkProxyName(bad), bad);
            assertTrue(e.getMessage().contains("service proxy name"), e.getMessage());
        }
    }

    @Test
    void topologyAwareRoutingIsReadFromTrafficDistributionOrTheAnnotationAndHintsFromTheSlice() {
        var base = new ServiceBuilder().withNewMetadata().withNamespace("a").withName("b").endMetadata()
                .withNewSpec().withClusterIP("10.0.0.1").addNewPort().withPort(80).endPort().endSpec().build();
        assertFalse(ServiceConverter.convert(base).orElseThrow().topologyAware());
        assertTrue(ServiceConverter.convert(new ServiceBuilder(base).editSpec().withTrafficDistribution("PreferClose").endSpec().build())
                .orElseThrow().topologyAware());
        for (String key : List.of("service.kubernetes.io/topology-mode", "service.kubernetes.io/topology-aware-hints")) {
            for (String value : List.of("Auto", "auto", "Disabled", "")) {
                var s = new ServiceBuilder(base).editMetadata().addToAnnotations(key, value).endMetadata().build();
                assertEquals(value.equalsIgnoreCase("auto"), ServiceConverter.convert(s).orElseThrow().topologyAware(), key + "=" + value);
            }
        }
        var slice = new EndpointSliceBuilder().withNewMetadata().withNamespace("a").withName("b-1")
                .addToLabels("kubernetes.io/service-name", "b").endMetadata().withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.1.0.1").withNewHints().addNewForZone("za").addNewForZone("zb").endHints().endEndpoint()
                .addNewEndpoint().withAddresses("10.1.0.2").endEndpoint()
                .addNewPort().withName("").withPort(8080).endPort().build();
        var eps = EndpointSliceConverter.convert(slice).orElseThrow().endpoints();
        assertEquals(java.util.Set.of("za", "zb"), eps.get(0).zoneHints());
        assertEquals(java.util.Set.of(), eps.get(1).zoneHints());
    }

    @Test
    void loadBalancerSourceRangesFromTheSpecOrElseTheAnnotation() {
        var base = new ServiceBuilder().withNewMetadata().withNamespace("a").withName("b").endMetadata()
                .withNewSpec().withType("LoadBalancer").withClusterIP("10.0.0.1").addNewPort().withPort(80).endPort().endSpec().build();
        assertEquals(List.of(), ServiceConverter.convert(base).orElseThrow().loadBalancerSourceRanges());
        var spec = new ServiceBuilder(base).editSpec().withLoadBalancerSourceRanges("203.0.113.0/24", "2001:db8::/32").endSpec()
                .editMetadata().addToAnnotations(ServiceConverter.SOURCE_RANGES_ANNOTATION, "10.0.0.0/8").endMetadata().build();
        assertEquals(List.of(Cidr.parse("203.0.113.0/24"), Cidr.parse("2001:db8::/32")),
                ServiceConverter.convert(spec).orElseThrow().loadBalancerSourceRanges(), "the spec field wins");
        var annotated = new ServiceBuilder(base).editMetadata()
                .addToAnnotations(ServiceConverter.SOURCE_RANGES_ANNOTATION, " 10.0.0.0/8 , 192.0.2.0/24").endMetadata().build();
        assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.0.2.0/24")),
                ServiceConverter.convert(annotated).orElseThrow().loadBalancerSourceRanges());
        var bad = new ServiceBuilder(base).editSpec().withLoadBalancerSourceRanges("203.0.113.0/33").endSpec().build();
        var e = assertThrows(IllegalArgumentException.class, () -> ServiceConverter.convert(bad));
        assertTrue(e.getMessage().startsWith("loadBalancerSourceRanges: '203.0.113.0/33' is not a CIDR"), e.getMessage());
    }

    @Test
    void rejectsNonLiteralAddressesInsteadOfResolvingThem() {
        var s = new ServiceBuilder().withNewMetadata().withNamespace("a").withName("b").endMetadata()
                .withNewSpec().withClusterIP("localhost").addNewPort().withPort(1).endPort().endSpec().build();
        var e = assertThrows(IllegalArgumentException.class, () -> ServiceConverter.convert(s));
        assertTrue(e.getMessage().contains("localhost"), e.getMessage());
    }

    @Test
    void convertsEndpointSliceConditionsWithDefaults() {
        var es = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace("shop").withName("web-abc").addToLabels("kubernetes.io/service-name", "web").endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.1.0.5").withNodeName("n1").withZone("z1").endEndpoint()
                .addNewEndpoint().withAddresses("10.1.0.6").withNewConditions().withReady(false).withServing(true).withTerminating(true).endConditions().endEndpoint()
                .addNewEndpoint().withAddresses("10.1.0.7").withNewConditions().withReady(false).endConditions().endEndpoint()
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort()
                .build();
        EndpointSlice slice = EndpointSliceConverter.convert(es).orElseThrow();
        assertEquals(new ServiceName("shop", "web"), slice.service());
        assertEquals(AddressType.IPV4, slice.addressType());
        assertEquals(EndpointConditions.READY, slice.endpoints().get(0).conditions());
        assertEquals(Optional.of("n1"), slice.endpoints().get(0).nodeName());
        assertEquals(Optional.of("z1"), slice.endpoints().get(0).zone());
        assertEquals(EndpointConditions.TERMINATING, slice.endpoints().get(1).conditions());
        assertEquals(new EndpointConditions(false, false, false), slice.endpoints().get(2).conditions());
        assertEquals(List.of(new EndpointPort("http", Protocol.TCP, 8080)), slice.ports());
    }

    @Test
    void slicesWithoutServiceLabelOrWithFqdnAreIgnored() {
        var noLabel = new EndpointSliceBuilder().withNewMetadata().withNamespace("a").withName("s").endMetadata()
                .withAddressType("IPv4").build();
        assertEquals(Optional.empty(), EndpointSliceConverter.convert(noLabel));
        var fqdn = new EndpointSliceBuilder().withNewMetadata().withNamespace("a").withName("s")
                .addToLabels("kubernetes.io/service-name", "x").endMetadata()
                .withAddressType("FQDN").addNewEndpoint().withAddresses("db.example.org").endEndpoint().build();
        assertEquals(Optional.empty(), EndpointSliceConverter.convert(fqdn));
    }

    @Test
    void sliceRejectsAddressOfWrongFamily() {
        var es = new EndpointSliceBuilder().withNewMetadata().withNamespace("a").withName("s")
                .addToLabels("kubernetes.io/service-name", "x").endMetadata()
                .withAddressType("IPv4").addNewEndpoint().withAddresses("fd00::1").endEndpoint().build();
        assertThrows(IllegalArgumentException.class, () -> EndpointSliceConverter.convert(es));
    }

    @Test
    void parsesYamlThroughFabric8Serialization() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: default}
                spec:
                  clusterIP: 10.96.0.10
                  ports: [{name: http, port: 80, targetPort: 8080}]
                """;
        var s = Serialization.unmarshal(yaml, io.fabric8.kubernetes.api.model.Service.class);
        assertEquals(TargetPort.of(8080), ServiceConverter.convert(s).orElseThrow().ports().getFirst().targetPort());
    }
}
