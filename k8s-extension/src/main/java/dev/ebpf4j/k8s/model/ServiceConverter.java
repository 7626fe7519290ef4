package dev.ebpf4j.k8s.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ServiceSpec;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Converts fabric8 {@code v1.Service} objects into {@link Service} records. Stateless and thread-safe. */
public final class ServiceConverter {
    private ServiceConverter() {
    }

    /**
     * The label naming the proxy that serves a Service. kube-proxy leaves every Service that carries it to that other
     * proxy; a proxy with a name of its own serves exactly the Services labelled with it.
     */
    public static final String SERVICE_PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";

    /**
     * Converts a Service as kube-proxy would take it: {@link #convert(io.fabric8.kubernetes.api.model.Service, String)}
     * with no proxy name, so a Service labelled for another proxy gives {@link Optional#empty()}.
     */
    public static Optional<Service> convert(io.fabric8.kubernetes.api.model.Service s) {
        return convert(s, "");
    }

    /**
     * Converts a Service; ExternalName Services, Services without a spec and Services another proxy serves have
     * nothing for us to load-balance and give {@link Optional#empty()}.
     *
     * @param proxyName this proxy's name: empty serves the Services without {@value #SERVICE_PROXY_NAME_LABEL}
     *                  (kube-proxy's rule), a name serves only the Services whose label has that value
     * @throws IllegalArgumentException when the object is malformed (such as an IP field that is not an IP literal)
     */
    public static Optional<Service> convert(io.fabric8.kubernetes.api.model.Service s, String proxyName) {
        ServiceSpec spec = s.getSpec();
        if (spec == null || "ExternalName".equals(spec.getType()) || !servedBy(s, proxyName)) return Optional.empty();
        var meta = s.getMetadata();
        if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
            throw new IllegalArgumentException("Service without metadata.name");
        }
        ServiceName id = new ServiceName(meta.getNamespace() == null ? "default" : meta.getNamespace(), meta.getName());
        List<String> ipStrings = spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty() ? spec.getClusterIPs()
                : spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP());
        List<ServicePort> ports = new ArrayList<>();
        if (spec.getPorts() != null) {
            for (var p : spec.getPorts()) ports.add(port(p));
        }
        return Optional.of(new Service(id, ServiceType.parse(spec.getType()), IpLiterals.parseAll(ipStrings), ports,
                IpLiterals.parseAll(spec.getExternalIPs()), ingressIps(s), affinity(spec),
                TrafficPolicy.parse(spec.getExternalTrafficPolicy()), TrafficPolicy.parse(spec.getInternalTrafficPolicy()),
                healthCheckNodePort(spec), topologyAware(s), sourceRanges(s)));
    }

    /** The annotation kube-proxy reads when {@code spec.loadBalancerSourceRanges} is empty (comma-separated CIDRs). */
    static final String SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";

    private static List<Cidr> sourceRanges(io.fabric8.kubernetes.api.model.Service s) {
        List<String> texts = s.getSpec().getLoadBalancerSourceRanges() == null ? List.of() : s.getSpec().getLoadBalancerSourceRanges();
        var annotations = s.getMetadata().getAnnotations();
        if (texts.isEmpty() && annotations != null && annotations.get(SOURCE_RANGES_ANNOTATION) != null) {
            texts = java.util.Arrays.stream(annotations.get(SOURCE_RANGES_ANNOTATION).split(",")).map(String::strip)
                    .filter(t -> !t.isEmpty()).toList();
        }
        List<Cidr> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(Cidr.parse(t.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("loadBalancerSourceRanges: '" + t + "' is not a CIDR (" + e.getMessage() + ")", e);
            }
        }
        return out;
    }

    /** The annotations that ask for topology-aware routing; the older one is what Kubernetes before 1.27 used. */
    static final java.util.List<String> TOPOLOGY_ANNOTATIONS =
            java.util.List.of("service.kubernetes.io/topology-mode", "service.kubernetes.io/topology-aware-hints");

    // As kube-proxy: a trafficDistribution of any value, else the annotation's "Auto" (either case) turns it on.
    private static boolean topologyAware(io.fabric8.kubernetes.api.model.Service s) {
        String distribution = s.getSpec().getTrafficDistribution();
        if (distribution != null && !distribution.isEmpty()) return true;
        var annotations = s.getMetadata().getAnnotations();
        if (annotations == null) return false;
        for (String a : TOPOLOGY_ANNOTATIONS) {
            String v = annotations.get(a);
            if (v != null) return v.equals("Auto") || v.equals("auto");
        }
        return false;
    }

    /**
     * Checks a proxy name the way the API server checks the label's value, so a name no Service could carry is
     * refused instead of silently serving nothing.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String checkProxyName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a service proxy name must not be empty");
        if (!LabelSyntax.isValue(name)) {
            throw new IllegalArgumentException("service proxy name '" + LabelSyntax.cut(name) + "' is not a label value: at most 63 "
                    + "alphanumerics, '-', '_' or '.', beginning and ending with an alphanumeric");
        }
        return name;
    }

    private static boolean servedBy(io.fabric8.kubernetes.api.model.Service s, String proxyName) {
        var labels = s.getMetadata() == null ? null : s.getMetadata().getLabels();
        String owner = labels == null ? null : labels.get(SERVICE_PROXY_NAME_LABEL);
        return proxyName.isEmpty() ? owner == null : proxyName.equals(owner);
    }

    // The API server allocates one only for LoadBalancer Services with externalTrafficPolicy Local; elsewhere it is moot.
    private static int healthCheckNodePort(io.fabric8.kubernetes.api.model.ServiceSpec spec) {
        Integer p = spec.getHealthCheckNodePort();
        if (p == null || p == 0) return 0;
        boolean applies = ServiceType.parse(spec.getType()) == ServiceType.LOAD_BALANCER
                && TrafficPolicy.parse(spec.getExternalTrafficPolicy()) == TrafficPolicy.LOCAL;
        return applies ? p : 0;
    }

    private static ServicePort port(io.fabric8.kubernetes.api.model.ServicePort p) {
        if (p.getPort() == null) throw new IllegalArgumentException("port " + (p.getName() == null ? "" : "'" + p.getName() + "' ") + "without a port number");
        int port = p.getPort();
        return new ServicePort(p.getName(), Protocol.parse(p.getProtocol()), port, targetPort(p.getTargetPort(), port),
                p.getNodePort() == null ? 0 : p.getNodePort());
    }

    static TargetPort targetPort(IntOrString t, int fallback) {
        if (t == null) return TargetPort.of(fallback);
        if (t.getIntVal() != null) return TargetPort.of(t.getIntVal());
        String s = t.getStrVal();
        if (s == null || s.isEmpty()) return TargetPort.of(fallback);
        if (s.chars().allMatch(Character::isDigit)) return TargetPort.of(Integer.parseInt(s));
        return TargetPort.of(s);
    }

    private static SessionAffinity affinity(ServiceSpec spec) {
        if (!"ClientIP".equals(spec.getSessionAffinity())) return SessionAffinity.NONE;
        var cfg = spec.getSessionAffinityConfig();
        Integer t = cfg == null || cfg.getClientIP() == null ? null : cfg.getClientIP().getTimeoutSeconds();
        return new SessionAffinity(true, t == null ? SessionAffinity.DEFAULT_TIMEOUT_SECONDS : t);
    }

    private static List<InetAddress> ingressIps(io.fabric8.kubernetes.api.model.Service s) {
        var status = s.getStatus();
        if (status == null || status.getLoadBalancer() == null || status.getLoadBalancer().getIngress() == null) return List.of();
        List<String> ips = new ArrayList<>();
        for (LoadBalancerIngress i : status.getLoadBalancer().getIngress()) {
            if (i.getIp() != null && !i.getIp().isEmpty()) ips.add(i.getIp());
        }
        return IpLiterals.parseAll(ips);
    }
}
