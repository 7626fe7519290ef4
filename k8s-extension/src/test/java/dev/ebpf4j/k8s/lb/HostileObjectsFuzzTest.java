package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.EndpointSliceConverter;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceConverter;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Malformed and hostile Services and EndpointSlices (bad IPs and CIDR-like strings, ports 0 and 70000, 10,000 ports,
 * duplicate ports, a ClusterIP equal to a pod IP, two Services on one VIP, unknown protocols and types, enormous
 * names and labels, IPv6 in an IPv4 slice, missing fields) mixed with well-formed ones: each converts, or is refused
 * with an {@link IllegalArgumentException} that says what is wrong, never another exception; and the controller fed
 * with everything that converted writes exactly what the reference {@link DesiredState#compute} says, with every
 * well-formed Service served.
 */
class HostileObjectsFuzzTest {
    static final int ROUNDS = Integer.getInteger("fuzz.rounds", 500);
    static final String HUGE = "x".repeat(70_000);

    /** One hostile change each, applied to a well-formed Service. */
    static final List<Function<ServiceBuilder, ServiceBuilder>> SERVICE_MUTATIONS = List.of(
            b -> b.editSpec().withClusterIP("10.96.0.300").withClusterIPs("10.96.0.300").endSpec(),
            b -> b.editSpec().withClusterIP("not-an-ip").withClusterIPs("not-an-ip").endSpec(),
            b -> b.editSpec().withClusterIP("10.96.0.0/12").withClusterIPs("10.96.0.0/12").endSpec(),
            b -> b.editSpec().withClusterIP("None").withClusterIPs("None").endSpec(),
            b -> b.editSpec().withClusterIP("").withClusterIPs().endSpec(),
            b -> b.editSpec().withPorts(port(0, "TCP")).endSpec(),
            b -> b.editSpec().withPorts(port(70000, "TCP")).endSpec(),
            b -> b.editSpec().withPorts(new ServicePortBuilder().withProtocol("TCP").build()).endSpec(),
            b -> b.editSpec().withPorts(new ServicePortBuilder().withPort(80).withNodePort(70000).build()).endSpec(),
            b -> b.editSpec().withPorts(new ServicePortBuilder().withPort(80).withTargetPort(new IntOrString(-1)).build()).endSpec(),
            b -> b.editSpec().withPorts(new ServicePortBuilder().withPort(80).withTargetPort(new IntOrString("99999")).build()).endSpec(),
            b -> b.editSpec().withPorts(new ServicePortBuilder().withPort(80).withTargetPort(new IntOrString(HUGE)).build()).endSpec(),
            b -> b.editSpec().withPorts(port(80, "TCP"), port(80, "TCP")).endSpec(),
            b -> b.editSpec().withPorts(port(80, "ICMP")).endSpec(),
            b -> b.editSpec().withPorts(port(80, null)).endSpec(),
            b -> b.editSpec().withPorts((List<io.fabric8.kubernetes.api.model.ServicePort>) null).endSpec(),
            b -> b.editSpec().withType("Bogus").endSpec(),
            b -> b.editSpec().withExternalTrafficPolicy("Sideways").endSpec(),
            b -> b.editSpec().withInternalTrafficPolicy("Local").withType("NodePort").endSpec(),
            b -> b.editSpec().withSessionAffinity("ClientIP").withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(-5)
                    .endClientIP().endSessionAffinityConfig().endSpec(),
            b -> b.editSpec().withSessionAffinity("ClientIP").withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(Integer.MAX_VALUE)
                    .endClientIP().endSessionAffinityConfig().endSpec(),
            b -> b.editSpec().withExternalIPs("::zz", "10.0.0.1").endSpec(),
            b -> b.editSpec().withClusterIP("10.1.0.5").withClusterIPs("10.1.0.5").endSpec(),  // a pod's address
            b -> b.editSpec().withClusterIP("10.100.0.11").withClusterIPs("10.100.0.11").endSpec(), // a node's address
            b -> b.editSpec().withClusterIP("10.96.1.1").withClusterIPs("10.96.1.1").endSpec(), // a well-formed one's VIP
            b -> b.editSpec().withClusterIPs("10.96.9.9", "fd00::zz").endSpec(),
            b -> b.editMetadata().withName(null).endMetadata(),
            b -> b.editMetadata().withName(HUGE).endMetadata(),
            b -> b.editMetadata().withNamespace(null).endMetadata(),
            b -> b.editMetadata().addToLabels("app", HUGE).endMetadata(),
            b -> b.withSpec(null),
            b -> b.editSpec().withType("LoadBalancer").withHealthCheckNodePort(-3).withExternalTrafficPolicy("Local").endSpec(),
            b -> b.withNewStatus().withNewLoadBalancer().addNewIngress().withIp("300.1.1.1").endIngress().endLoadBalancer().endStatus());

    /** One hostile change each, applied to a well-formed slice. */
    static final List<Function<EndpointSliceBuilder, EndpointSliceBuilder>> SLICE_MUTATIONS = List.of(
            b -> b.withEndpoints(endpoint("fd00::1")),
            b -> b.withEndpoints(endpoint("999.1.1.1")),
            b -> b.withEndpoints(endpoint("")),
            b -> b.withEndpoints(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder().withAddresses("10.1.0.9").build()),
            b -> b.withEndpoints((List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint>) null),
            b -> b.withPorts(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder().withPort(0).withProtocol("TCP").build()),
            b -> b.withPorts(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder().withPort(70000).build()),
            b -> b.withPorts(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder().withPort(8080).withProtocol("QUIC").build()),
            b -> b.withAddressType("IPv7"),
            b -> b.withAddressType(null),
            b -> b.editMetadata().addToLabels(EndpointSliceConverter.SERVICE_NAME_LABEL, HUGE).endMetadata(),
            b -> b.editMetadata().addToLabels(EndpointSliceConverter.SERVICE_NAME_LABEL, "").endMetadata(),
            b -> b.editMetadata().withName(null).endMetadata());

    @Test
    void hostileObjectsAreRefusedClearlyAndNeverBreakTheOthers() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random r = new Random(seed);
        int inputs = 0, refused = 0, accepted = 0;
        List<String> crashes = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<Service> services = new ArrayList<>();
            List<EndpointSlice> slices = new ArrayList<>();
            for (int g = 0; g < 5; g++) {  // the well-formed ones, which must keep working
                services.add(ServiceConverter.convert(service("good" + g, "10.96.1." + (g + 1)).build()).orElseThrow());
                slices.add(EndpointSliceConverter.convert(slice("good" + g, "10.2.0." + (g + 1)).build()).orElseThrow());
            }
            if (round == 0) {
                // The costly ones once: a Service with 10,000 ports, a slice with 5,000 endpoints.
                services.add(ServiceConverter.convert(service("wide", "10.96.3.1").editSpec().withPorts(manyPorts(10_000)).endSpec().build()).orElseThrow());
                slices.add(EndpointSliceConverter.convert(slice("good0", "10.2.0.1").withEndpoints(manyEndpoints(5_000)).build()).orElseThrow());
                inputs += 2;
                accepted += 2;
            }
            for (int h = 0; h < 20; h++) {
                inputs++;
                String name = "bad" + h;
                boolean aService = r.nextBoolean();
                Object input;
                try {
                    if (aService) {
                        var b = SERVICE_MUTATIONS.get(r.nextInt(SERVICE_MUTATIONS.size())).apply(service(name, "10.96.2." + (h + 1)));
                        if (r.nextInt(4) == 0) b = SERVICE_MUTATIONS.get(r.nextInt(SERVICE_MUTATIONS.size())).apply(b);
                        input = b.build();
                        ServiceConverter.convert((io.fabric8.kubernetes.api.model.Service) input).ifPresent(services::add);
                    } else {
                        var b = SLICE_MUTATIONS.get(r.nextInt(SLICE_MUTATIONS.size())).apply(slice(r.nextBoolean() ? name : "good" + r.nextInt(5), "10.1.0." + (h + 1)));
                        input = b.build();
                        EndpointSliceConverter.convert((io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice) input).ifPresent(slices::add);
                    }
                    accepted++;
                } catch (IllegalArgumentException clear) {
                    refused++;
                    assertNotNull(clear.getMessage(), "a refusal says why");
                } catch (RuntimeException crash) {
                    crashes.add(crash + " (seed " + seed + ", round " + round + ")");
                }
            }
            ClusterSnapshot snapshot = ClusterSnapshot.of(services, slices, round + 1);
            LbConfig config = LbConfig.forNode("n1");
            try (SimulatedLbDatapath datapath = new SimulatedLbDatapath()) {
                LbController controller = new LbController(config, datapath);
                controller.sync(snapshot);
                LbControllerDeltaTest.assertMapsMatch(DesiredState.compute(snapshot, config), datapath, "seed " + seed + " round " + round);
                for (int g = 0; g < 5; g++) {
                    var vip = java.net.InetAddress.ofLiteral("10.96.1." + (g + 1));
                    assertTrue(datapath.service(vip, 80, dev.ebpf4j.k8s.model.Protocol.TCP).isPresent(),
                            "good" + g + " is served beside the hostile objects (seed " + seed + ", round " + round + ")");
                }
            } catch (RuntimeException crash) {
                crashes.add("controller: " + crash + " (seed " + seed + ", round " + round + ")");
            }
        }
        System.out.printf("hostile objects: %d inputs (seed %d): %d converted, %d refused with a reason, %d crashes%n",
                inputs, seed, accepted, refused, crashes.size());
        assertEquals(List.of(), crashes.stream().distinct().limit(10).toList());
    }

    static ServiceBuilder service(String name, String vip) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(vip).withClusterIPs(vip).withPorts(port(80, "TCP")).endSpec();
    }

    static io.fabric8.kubernetes.api.model.ServicePort port(int port, String protocol) {
        return new ServicePortBuilder().withName("http").withProtocol(protocol).withPort(port).withTargetPort(new IntOrString(8080)).build();
    }

    static List<io.fabric8.kubernetes.api.model.ServicePort> manyPorts(int n) {
        List<io.fabric8.kubernetes.api.model.ServicePort> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) ports.add(new ServicePortBuilder().withName("p" + i).withProtocol("TCP").withPort(1 + i).build());
        return ports;
    }

    static EndpointSliceBuilder slice(String service, String ip) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(service + "-abc")
                .addToLabels(EndpointSliceConverter.SERVICE_NAME_LABEL, service).endMetadata().withAddressType("IPv4")
                .withEndpoints(endpoint(ip))
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort();
    }

    static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(String ip) {
        return new io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder().withAddresses(ip).withNodeName("n1")
                .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions().build();
    }

    static List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> manyEndpoints(int n) {
        List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(endpoint("10.3." + (i / 250) + "." + (i % 250 + 1)));
        return out;
    }
}
