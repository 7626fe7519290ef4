package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.conntrack.ConntrackTimeouts;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * The agent's configuration file ({@code agent.yaml} of the {@code ebpf4j-agent-config} ConfigMap, see
 * {@code deploy/configmap.yaml}). Every key is checked: an unknown key or a value of the wrong type is an
 * {@link IllegalArgumentException} naming the key, so a typo never silently falls back to a default.
 *
 * <p>Keys (all optional): {@code mode} ({@code lb}: the agent programs Service load balancing only),
 * {@code source} ({@code in-cluster} or {@code manifests}, the latter with {@code manifests: DIR}),
 * {@code clusterCIDRs} ({@code pods}, {@code services}: CIDRs, validated), {@code bpffs} and {@code pinDirectory}
 * (pins live under their join), {@code cgroup}, {@code health.port}, {@code flows} ({@code enabled}: serve the node's
 * flows for {@code observe --cluster}; {@code port}, default 4244; {@code address}, default loopback),
 * {@code nodePort} ({@code devices}: the interfaces serving NodePorts, none by default; {@code nodeIP}: the SNAT
 * address; {@code mode}: {@code snat} or {@code dsr}; {@code acceleration}: {@code none}, the default, {@code xdp} or
 * {@code xdp-generic}), {@code maxEntries} (map name to size) and {@code policy}
 * ({@code enabled}: enforce NetworkPolicy; {@code interfaces}: {@code host-routes}, the default, or a mapping of
 * {@code namespace/name} to the pod's node-side interface; {@code hostAddresses}: the node's own addresses, default
 * every address on its interfaces) and {@code conntrack} ({@code tcpEstablished}, {@code tcpSyn}, {@code tcpClosing},
 * {@code other}: durations such as {@code 6h}, {@code 60s}, {@code 500ms}; default Cilium's 6h / 60s / 10s / 60s),
 * the lifetimes of NodePort and policy conntrack entries, and {@code serviceProxyName} (serve only the Services
 * labelled {@code service.kubernetes.io/service-proxy-name} with this value; without it, as kube-proxy, only the
 * Services without that label) and {@code zone} (this node's {@code topology.kubernetes.io/zone}: topology-aware
 * Services prefer the endpoints hinted for it) and {@code loadBalancing} ({@code algorithm}: {@code random}, the
 * default, or {@code maglev}; {@code maglevTableSize}: a prime for every Service's Maglev table, default automatic).
 *
 * @param manifests  {@code manifests: DIR} with {@code source: manifests}
 * @param kubernetes {@code source: in-cluster}
 * @param cgroup     {@code cgroup}
 * @param pinDir     {@code bpffs}/{@code pinDirectory}, when either is given
 * @param healthPort {@code health.port}
 * @param maxEntries {@code maxEntries}
 * @param policy     {@code policy}
 * @param nodePort   {@code nodePort}
 * @param flows      {@code flows}
 * @param conntrack  {@code conntrack}
 * @param serviceProxyName {@code serviceProxyName}, empty without it
 * @param zone       {@code zone}
 * @param loadBalancing {@code loadBalancing}
 */
record AgentConfig(Optional<Path> manifests, boolean kubernetes, Optional<Path> cgroup, Optional<Path> pinDir,
                   OptionalInt healthPort, Map<String, Integer> maxEntries, PolicyOptions policy, NodePortOptions nodePort,
                   FlowOptions flows, ConntrackTimeouts conntrack, String serviceProxyName,
                   Optional<String> zone, LoadBalancingOptions loadBalancing) {
    private static final Set<String> KEYS = Set.of("mode", "source", "manifests", "clusterCIDRs", "bpffs", "pinDirectory",
            "cgroup", "health", "flows", "nodePort", "maxEntries", "policy", "conntrack", "serviceProxyName", "zone", "loadBalancing");
    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)");

    /** Without {@code conntrack} and {@code serviceProxyName}: the default timeouts, the Services no other proxy claims. */
    AgentConfig(Optional<Path> manifests, boolean kubernetes, Optional<Path> cgroup, Optional<Path> pinDir,
                OptionalInt healthPort, Map<String, Integer> maxEntries, PolicyOptions policy, NodePortOptions nodePort,
                FlowOptions flows) {
        this(manifests, kubernetes, cgroup, pinDir, healthPort, maxEntries, policy, nodePort, flows, ConntrackTimeouts.defaults(), "", Optional.empty(),
                LoadBalancingOptions.DEFAULT);
    }

    /** Reads and checks {@code file}. */
    static AgentConfig load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the config file " + file + ": " + e, e);
        }
    }

    /** Parses YAML text; {@code origin} names it in error messages. */
    static AgentConfig parse(String yaml, String origin) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel(origin).build()).loadFromString(yaml);
        } catch (YamlEngineException | UncheckedIOException e) {
            throw new IllegalArgumentException(origin + " is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null) root = Map.of();
        Map<String, Object> top = mapping(root, "(top level)", KEYS, origin);

        String mode = string(top, "mode", origin).orElse("lb");
        if (!mode.equals("lb")) {
            throw new IllegalArgumentException(origin + ": mode '" + mode + "' is not supported; this agent programs "
                    + "Service load balancing only, so mode must be lb");
        }
        Optional<String> source = string(top, "source", origin);
        Optional<Path> manifests = string(top, "manifests", origin).map(Path::of);
        boolean kube = false;
        if (source.isPresent()) {
            switch (source.get()) {
                case "in-cluster" -> {
                    kube = true;
                    if (manifests.isPresent()) throw new IllegalArgumentException(origin + ": manifests is only used with source: manifests");
                }
                case "manifests" -> {
                    if (manifests.isEmpty()) throw new IllegalArgumentException(origin + ": source: manifests needs manifests: DIR");
                }
                default -> throw new IllegalArgumentException(origin + ": source must be in-cluster or manifests, got '" + source.get() + "'");
            }
        } else if (manifests.isPresent()) {
            throw new IllegalArgumentException(origin + ": manifests needs source: manifests");
        }

        if (top.containsKey("clusterCIDRs")) {
            Map<String, Object> cidrs = mapping(top.get("clusterCIDRs"), "clusterCIDRs", Set.of("pods", "services"), origin);
            for (String k : cidrs.keySet()) cidr(string(cidrs, k, origin, "clusterCIDRs.").orElseThrow(), "clusterCIDRs." + k, origin);
        }

        Optional<Path> bpffs = string(top, "bpffs", origin).map(Path::of);
        Optional<String> pinDirectory = string(top, "pinDirectory", origin);
        pinDirectory.ifPresent(d -> {
            Path p = Path.of(d);
            if (d.isEmpty() || p.isAbsolute() || p.normalize().startsWith("..") || !p.normalize().equals(p)) {
                throw new IllegalArgumentException(origin + ": pinDirectory must be a plain relative directory under bpffs, got '" + d + "'");
            }
        });
        Optional<Path> pinDir = bpffs.isEmpty() && pinDirectory.isEmpty() ? Optional.empty()
                : Optional.of(bpffs.orElse(AgentOptions.DEFAULT_PIN_DIR.getParent())
                        .resolve(pinDirectory.orElse(AgentOptions.DEFAULT_PIN_DIR.getFileName().toString())));

        Optional<Path> cgroup = string(top, "cgroup", origin).map(Path::of);

        OptionalInt port = OptionalInt.empty();
        if (top.containsKey("health")) {
            Map<String, Object> health = mapping(top.get("health"), "health", Set.of("port"), origin);
            if (health.containsKey("port")) {
                int p = integer(health.get("port"), "health.port", origin);
                if (p < 1 || p > 65535) throw new IllegalArgumentException(origin + ": health.port must be 1-65535, got " + p);
                port = OptionalInt.of(p);
            }
        }

        FlowOptions flows = top.containsKey("flows") ? flows(top.get("flows"), origin) : FlowOptions.DISABLED;
        NodePortOptions nodePort = top.containsKey("nodePort") ? nodePort(top.get("nodePort"), origin) : NodePortOptions.DISABLED;

        Map<String, Integer> sizes = new TreeMap<>();
        if (top.containsKey("maxEntries")) {
            Map<String, Object> m = mapping(top.get("maxEntries"), "maxEntries", null, origin);
            m.forEach((k, v) -> {
                int n = integer(v, "maxEntries." + k, origin);
                if (n < 1) throw new IllegalArgumentException(origin + ": maxEntries." + k + " must be positive, got " + n);
                sizes.put(k, n);
            });
        }
        PolicyOptions policy = top.containsKey("policy") ? policy(top.get("policy"), origin) : PolicyOptions.DISABLED;
        ConntrackTimeouts conntrack = top.containsKey("conntrack") ? conntrack(top.get("conntrack"), origin)
                : ConntrackTimeouts.defaults();
        String proxyName = string(top, "serviceProxyName", origin).orElse("");
        if (top.containsKey("serviceProxyName")) {
            try {
                dev.ebpf4j.k8s.model.ServiceConverter.checkProxyName(proxyName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(origin + ": serviceProxyName: " + e.getMessage(), e);
            }
        }
        return new AgentConfig(manifests, kube, cgroup, pinDir, port, Map.copyOf(sizes), policy, nodePort, flows, conntrack, proxyName,
                zone(string(top, "zone", origin), origin + ": zone"),
                top.containsKey("loadBalancing") ? loadBalancing(top.get("loadBalancing"), origin) : LoadBalancingOptions.DEFAULT);
    }

    private static LoadBalancingOptions loadBalancing(Object section, String origin) {
        Map<String, Object> m = mapping(section, "loadBalancing", Set.of("algorithm", "maglevTableSize"), origin);
        try {
            var algorithm = string(m, "algorithm", origin, "loadBalancing.")
                    .map(a -> LoadBalancingOptions.algorithm("loadBalancing.algorithm", a)).orElse(LoadBalancingOptions.DEFAULT.algorithm());
            int size = m.containsKey("maglevTableSize") ? integer(m.get("maglevTableSize"), "loadBalancing.maglevTableSize", origin) : 0;
            return new LoadBalancingOptions(algorithm, size);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(origin)) throw e;
            throw new IllegalArgumentException(origin + ": loadBalancing: " + e.getMessage(), e);
        }
    }

    /** A zone is a label value: the node's {@code topology.kubernetes.io/zone}. */
    static Optional<String> zone(Optional<String> zone, String what) {
        zone.ifPresent(z -> {
            if (z.isEmpty() || z.length() > 63 || !z.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
                throw new IllegalArgumentException(what + " must be a label value such as us-east-1a, got '" + z + "'");
            }
        });
        return zone;
    }

    private static ConntrackTimeouts conntrack(Object section, String origin) {
        Map<String, Object> m = mapping(section, "conntrack", Set.of("tcpEstablished", "tcpSyn", "tcpClosing", "other"), origin);
        ConntrackTimeouts d = ConntrackTimeouts.defaults();
        try {
            return new ConntrackTimeouts(duration(m, "tcpEstablished", d.tcpEstablished(), origin),
                    duration(m, "tcpSyn", d.tcpSyn(), origin), duration(m, "tcpClosing", d.tcpClosing(), origin),
                    duration(m, "other", d.other(), origin));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
    }

    private static java.time.Duration duration(Map<String, Object> m, String key, java.time.Duration dflt, String origin) {
        Optional<String> v = string(m, key, origin, "conntrack.");
        if (v.isEmpty()) return dflt;
        java.util.regex.Matcher x = DURATION.matcher(v.get().trim());
        if (!x.matches()) {
            throw new IllegalArgumentException(origin + ": conntrack." + key + " must be a duration such as 60s, 10m, 6h"
                    + " or 500ms, got '" + v.get() + "'");
        }
        long n = Long.parseLong(x.group(1));
        return switch (x.group(2)) {
            case "ms" -> java.time.Duration.ofMillis(n);
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            default -> java.time.Duration.ofHours(n);
        };
    }

    private static FlowOptions flows(Object section, String origin) {
        Map<String, Object> m = mapping(section, "flows", Set.of("enabled", "port", "address"), origin);
        boolean enabled = bool(m, "enabled", "flows.", origin);
        int port = m.containsKey("port") ? integer(m.get("port"), "flows.port", origin) : 4244;
        if (port < 1 || port > 65535) throw new IllegalArgumentException(origin + ": flows.port must be 1-65535, got " + port);
        InetAddress address = string(m, "address", origin, "flows.").map(a -> address(a, "flows.address", origin))
                .orElse(InetAddress.getLoopbackAddress());
        return enabled ? new FlowOptions(port, address) : FlowOptions.DISABLED;
    }

    private static NodePortOptions nodePort(Object section, String origin) {
        Map<String, Object> m = mapping(section, "nodePort", Set.of("devices", "nodeIP", "mode", "acceleration"), origin);
        java.util.List<String> devices = new java.util.ArrayList<>();
        if (m.containsKey("devices")) {
            if (!(m.get("devices") instanceof java.util.List<?> list)) {
                throw new IllegalArgumentException(origin + ": nodePort.devices must be a list of interface names, got " + describe(m.get("devices")));
            }
            for (Object o : list) {
                if (!(o instanceof String d)) throw new IllegalArgumentException(origin + ": nodePort.devices must hold interface names, got " + describe(o));
                devices.add(d);
            }
        }
        Optional<java.net.Inet4Address> nodeIp = string(m, "nodeIP", origin, "nodePort.")
                .map(a -> address(a, "nodePort.nodeIP", origin) instanceof java.net.Inet4Address v4 ? v4 : null);
        if (m.containsKey("nodeIP") && nodeIp.isEmpty()) {
            throw new IllegalArgumentException(origin + ": nodePort.nodeIP must be an IPv4 address, got " + describe(m.get("nodeIP")));
        }
        var mode = string(m, "mode", origin, "nodePort.").map(v -> {
            try {
                return NodePortOptions.mode(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(origin + ": nodePort.mode must be snat or dsr, got '" + v + "'");
            }
        }).orElse(dev.ebpf4j.k8s.lb.NodePortMode.SNAT);
        var acceleration = string(m, "acceleration", origin, "nodePort.").map(v -> {
            try {
                return NodePortOptions.acceleration(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(origin + ": nodePort.acceleration must be none, xdp or xdp-generic, got '" + v + "'");
            }
        }).orElse(dev.ebpf4j.k8s.lb.NodePortAcceleration.NONE);
        try {
            return new NodePortOptions(devices, nodeIp, mode, acceleration);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": nodePort.devices: " + e.getMessage(), e);
        }
    }

    private static boolean bool(Map<String, Object> m, String key, String prefix, String origin) {
        if (!m.containsKey(key)) return false;
        if (!(m.get(key) instanceof Boolean b)) {
            throw new IllegalArgumentException(origin + ": " + prefix + key + " must be true or false, got " + describe(m.get(key)));
        }
        return b;
    }

    private static InetAddress address(String a, String key, String origin) {
        try {
            if (!a.matches("[0-9.]+|[0-9a-fA-F:.]+")) throw new IllegalArgumentException();
            return InetAddress.ofLiteral(a);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + key + " must be an IP address, got '" + a + "'");
        }
    }

    private static PolicyOptions policy(Object section, String origin) {
        Map<String, Object> m = mapping(section, "policy", Set.of("enabled", "interfaces", "hostAddresses"), origin);
        boolean enabled = false;
        if (m.containsKey("enabled")) {
            if (!(m.get("enabled") instanceof Boolean b)) {
                throw new IllegalArgumentException(origin + ": policy.enabled must be true or false, got " + describe(m.get("enabled")));
            }
            enabled = b;
        }
        Map<String, String> interfaces = new TreeMap<>();
        Object ifs = m.get("interfaces");
        if (ifs instanceof Map<?, ?>) {
            mapping(ifs, "policy.interfaces", null, origin).forEach((pod, dev) -> {
                if (!pod.matches("[^/]+/[^/]+")) {
                    throw new IllegalArgumentException(origin + ": policy.interfaces keys are namespace/name, got '" + pod + "'");
                }
                if (!(dev instanceof String d) || d.isEmpty() || d.length() > 15) {
                    throw new IllegalArgumentException(origin + ": policy.interfaces." + pod + " must be an interface name, got " + describe(dev));
                }
                interfaces.put(pod, d);
            });
        } else if (ifs != null && !"host-routes".equals(ifs)) {
            throw new IllegalArgumentException(origin + ": policy.interfaces must be host-routes or a mapping of namespace/name "
                    + "to interface, got " + describe(ifs));
        }
        java.util.List<InetAddress> addresses = new java.util.ArrayList<>();
        if (m.containsKey("hostAddresses")) {
            if (!(m.get("hostAddresses") instanceof java.util.List<?> list)) {
                throw new IllegalArgumentException(origin + ": policy.hostAddresses must be a list of IP addresses, got " + describe(m.get("hostAddresses")));
            }
            for (Object o : list) {
                try {
                    if (!(o instanceof String a) || !a.matches("[0-9.]+|[0-9a-fA-F:.]+")) throw new IllegalArgumentException();
                    addresses.add(InetAddress.ofLiteral(a));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(origin + ": policy.hostAddresses must hold IP addresses, got " + describe(o));
                }
            }
        }
        return new PolicyOptions(enabled, interfaces, addresses);
    }

    /** A mapping with string keys, only from {@code allowed} (any key when null). */
    private static Map<String, Object> mapping(Object o, String key, Set<String> allowed, String origin) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(origin + ": " + key + " must be a mapping, got " + describe(o));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        String prefix = key.equals("(top level)") ? "" : key + ".";
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new IllegalArgumentException(origin + ": key " + prefix + e.getKey() + " must be a string");
            }
            if (allowed != null && !allowed.contains(k)) {
                throw new IllegalArgumentException(origin + ": unknown key '" + prefix + k + "' (known: "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
            out.put(k, e.getValue());
        }
        return out;
    }

    private static Optional<String> string(Map<String, Object> m, String key, String origin) {
        return string(m, key, origin, "");
    }

    private static Optional<String> string(Map<String, Object> m, String key, String origin, String prefix) {
        if (!m.containsKey(key)) return Optional.empty();
        if (!(m.get(key) instanceof String s)) {
            throw new IllegalArgumentException(origin + ": " + prefix + key + " must be a string, got " + describe(m.get(key)));
        }
        return Optional.of(s);
    }

    private static int integer(Object o, String key, String origin) {
        if (o instanceof Integer i) return i;
        throw new IllegalArgumentException(origin + ": " + key + " must be an integer, got " + describe(o));
    }

    private static void cidr(String s, String key, String origin) {
        int slash = s.indexOf('/');
        try {
            if (slash < 0) throw new IllegalArgumentException("no /prefix");
            String addr = s.substring(0, slash);
            if (!addr.matches("[0-9.]+|[0-9a-fA-F:.]+")) throw new IllegalArgumentException("not an IP literal");
            int bits = InetAddress.ofLiteral(addr).getAddress().length * 8;
            int prefix = Integer.parseInt(s.substring(slash + 1));
            if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("prefix out of range");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + key + " must be a CIDR like 10.96.0.0/12, got '" + s + "' (" + e.getMessage() + ")");
        }
    }

    private static String describe(Object o) {
        if (o == null) return "null";
        String type = switch (o) {
            case Map<?, ?> m -> "mapping";
            case java.util.List<?> l -> "list";
            case String s -> "string";
            case Boolean b -> "boolean";
            case Number n -> "number";
            default -> o.getClass().getSimpleName();
        };
        return type + " " + o;
    }
}
