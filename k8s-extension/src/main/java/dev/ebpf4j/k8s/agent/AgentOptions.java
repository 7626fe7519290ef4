package dev.ebpf4j.k8s.agent;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The node agent's command line.
 *
 * @param manifests  a manifest directory to follow instead of the API server
 * @param kubernetes follow the API server (kubeconfig or in-cluster configuration, as fabric8 finds it)
 * @param cgroup     the cgroup v2 directory whose processes get ClusterIP load balancing
 * @param pinDir     the bpffs directory the agent keeps its maps and links under
 * @param node       this node's name (for Local traffic policies)
 * @param uninstall  remove the pins (detaching the datapath) and exit
 * @param maxEntries map sizes other than the object's (a change migrates pinned maps)
 * @param healthPort the 127.0.0.1 port serving {@code /healthz} and {@code /readyz}, if any
 * @param policy     NetworkPolicy enforcement ({@link PolicyOptions#DISABLED} unless asked for)
 * @param nodePort   NodePort / external-IP / load-balancer-IP service on the node's devices ({@link NodePortOptions#DISABLED}
 *                   unless {@code --devices} is given)
 * @param flows      the flow endpoint ({@link FlowOptions#DISABLED} unless {@code --flows-port} is given)
 * @param conntrack  the conntrack lifetimes of the NodePort and policy datapaths (the config file's
 *                   {@code conntrack} section; Cilium's defaults without one)
 * @param serviceProxyName serve the Services labelled {@code service.kubernetes.io/service-proxy-name} with this
 *                   value; empty (the default) serves the Services without the label, as kube-proxy does
 * @param loadBalancing the backend choice: random or Maglev, and Maglev's table size
 * @param zone       this node's zone, for topology-aware Services ({@code --zone}, {@code zone}, else {@code NODE_ZONE})
 */
public record AgentOptions(Optional<Path> manifests, boolean kubernetes, Optional<Path> cgroup, Path pinDir, String node,
                           boolean uninstall, java.util.Map<String, Integer> maxEntries, java.util.OptionalInt healthPort,
                           PolicyOptions policy, NodePortOptions nodePort,
                           FlowOptions flows, dev.ebpf4j.k8s.conntrack.ConntrackTimeouts conntrack, String serviceProxyName,
                           Optional<String> zone, LoadBalancingOptions loadBalancing) {
    /** The default pin directory. */
    public static final Path DEFAULT_PIN_DIR = Path.of("/sys/fs/bpf/ebpf4j");

    static final String USAGE = """
            usage: Agent [--config FILE] (--manifests DIR | --kubeconfig) --cgroup PATH [--pin-dir DIR] [--node NAME]
                         [--health-port N] [--policy [--policy-interface NS/POD=IF]...]
                         [--devices IF[,IF...] [--node-ip ADDR] [--nodeport-mode snat|dsr]]
                         [--flows-port N [--flows-address ADDR]] [--service-proxy-name NAME] [--zone ZONE]
                         [--lb-algorithm random|maglev [--maglev-table-size PRIME]]
                   Agent --uninstall [--config FILE] [--pin-dir DIR]
              --config FILE    agent.yaml (deploy/configmap.yaml): its values are defaults, flags override them
              --manifests DIR  follow Service/EndpointSlice manifests in DIR (watched)
              --kubeconfig     follow the API server (KUBECONFIG, ~/.kube/config or in-cluster);
                               --in-cluster is the same flag
              --cgroup PATH    cgroup v2 directory to load-balance (attach the socket programs to)
              --pin-dir DIR    bpffs directory for maps and links (default /sys/fs/bpf/ebpf4j)
              --node NAME      node name (default: the host name)
              --max-entries MAP=N  size a map (repeatable); pinned maps of another size are migrated
              --health-port N  serve /healthz and /readyz on 127.0.0.1:N (default: health.port, else none)
              --policy         also enforce NetworkPolicy (Namespaces, Pods, NetworkPolicies from the same source);
                               maps pinned under <pin-dir>/policy-v1/maps/, programs on each local pod's
                               node-side interface, found by the node's host route to the pod's address
              --policy-interface NS/POD=IF  the pod's interface, instead of host routes (repeatable)
              --devices IF,... serve NodePorts, external IPs and load-balancer IPs on these interfaces (tcx
                               ingress + egress, links pinned under <pin-dir>/nodeport/links/), and each
                               LoadBalancer Service's healthCheckNodePort
              --node-ip ADDR   this node's IPv4 address for SNAT (default: the first device's first IPv4)
              --nodeport-mode snat|dsr  how backends on other nodes are reached: snat (default; replies come
                               back through this node) or dsr (the backend's node answers the client directly;
                               every node needs --devices)
              --nodeport-acceleration none|xdp|xdp-generic  also translate NodePort traffic to local
                               backends at XDP on the devices (xdp: native, generic where the driver
                               refuses; tcx still handles replies, fragments and remote backends)
              --flows-port N   observe the datapath and serve its flows on 127.0.0.1:N for observe --cluster
                               (4244 is what observe --cluster looks for)
              --flows-address ADDR  listen for flows on ADDR instead of loopback (0.0.0.0: every address)
              --service-proxy-name NAME  serve only the Services labelled service.kubernetes.io/
                               service-proxy-name=NAME (default: only the Services without that label,
                               as kube-proxy; a Service labelled for another proxy is left to it)
              --zone ZONE      this node's topology.kubernetes.io/zone (default: zone, else $NODE_ZONE):
                               Services with trafficDistribution or topology-mode Auto send new
                               connections to the endpoints hinted for it, as kube-proxy does
              --lb-algorithm random|maglev  how a Service's backend is chosen (default random; maglev:
                               consistent hashing, removing 1 of N backends moves about 1/N of new flows)
              --maglev-table-size PRIME  every Maglev table's size (251 or more; default automatic, the
                               smallest prime above 100 x backends); raise maxEntries lb_maglev to match
              --uninstall      detach and remove everything under the pin directory, then exit
            """;

    /**
     * Parses arguments. With {@code --config FILE} the file's values come first and the other flags override them
     * (a source flag replaces the file's source).
     *
     * @throws IllegalArgumentException with the usage text when they do not make sense, or naming the config key
     *                                  that is unknown or of the wrong type
     */
    public static AgentOptions parse(String... args) {
        Path manifests = null, cgroup = null, pinDir = DEFAULT_PIN_DIR;
        boolean kube = false, uninstall = false;
        Integer healthPort = null;
        PolicyOptions policy = PolicyOptions.DISABLED;
        NodePortOptions nodePort = NodePortOptions.DISABLED;
        int flowsPort = -1;
        java.net.InetAddress flowsAddress = null;
        java.util.Map<String, Integer> sizes = new java.util.TreeMap<>();
        String node = System.getenv().getOrDefault("NODE_NAME", hostName());
        var conntrack = dev.ebpf4j.k8s.conntrack.ConntrackTimeouts.defaults();
        String proxyName = "";
        Optional<String> zone = Optional.ofNullable(System.getenv("NODE_ZONE")).filter(z -> !z.isEmpty());
        LoadBalancingOptions loadBalancing = LoadBalancingOptions.DEFAULT;
        Integer tableSize = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                AgentConfig c = AgentConfig.load(Path.of(value(args, ++i)));
                manifests = c.manifests().orElse(null);
                kube = c.kubernetes();
                cgroup = c.cgroup().orElse(null);
                pinDir = c.pinDir().orElse(DEFAULT_PIN_DIR);
                healthPort = c.healthPort().isPresent() ? c.healthPort().getAsInt() : null;
                sizes.putAll(c.maxEntries());
                policy = c.policy();
                nodePort = c.nodePort();
                conntrack = c.conntrack();
                proxyName = c.serviceProxyName();
                if (c.zone().isPresent()) zone = c.zone();
                loadBalancing = c.loadBalancing();
                if (c.flows().enabled()) {
                    flowsPort = c.flows().port();
                    flowsAddress = c.flows().address();
                }
            }
        }
        boolean sourceFlag = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> i++;
                case "--manifests" -> {
                    if (!sourceFlag) kube = false;
                    sourceFlag = true;
                    manifests = Path.of(value(args, ++i));
                }
                case "--kubeconfig", "--in-cluster" -> {
                    if (!sourceFlag) manifests = null;
                    sourceFlag = true;
                    kube = true;
                }
                case "--health-port" -> {
                    String v = value(args, ++i);
                    try {
                        healthPort = Integer.parseInt(v);
                        if (healthPort < 0 || healthPort > 65535) throw new NumberFormatException();
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--health-port wants a port 0-65535, got " + v + "\n" + USAGE);
                    }
                }
                case "--cgroup" -> cgroup = Path.of(value(args, ++i));
                case "--pin-dir" -> pinDir = Path.of(value(args, ++i));
                case "--node" -> node = value(args, ++i);
                case "--uninstall" -> uninstall = true;
                case "--policy" -> policy = policy.enabled(true);
                case "--devices" -> nodePort = nodePort.withDevices(java.util.List.of(value(args, ++i).split(",")));
                case "--node-ip" -> nodePort = nodePort.withNodeIp(NodePortOptions.ipv4("--node-ip", value(args, ++i)));
                case "--flows-port" -> {
                    String v = value(args, ++i);
                    try {
                        flowsPort = Integer.parseInt(v);
                        if (flowsPort < 0 || flowsPort > 65535) throw new NumberFormatException();
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--flows-port wants a port 0-65535, got " + v + "\n" + USAGE);
                    }
                }
                case "--flows-address" -> {
                    String v = value(args, ++i);
                    try {
                        flowsAddress = java.net.InetAddress.ofLiteral(v);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--flows-address wants an IP address, got " + v + "\n" + USAGE);
                    }
                }
                case "--service-proxy-name" -> {
                    String v = value(args, ++i);
                    try {
                        proxyName = dev.ebpf4j.k8s.model.ServiceConverter.checkProxyName(v);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--service-proxy-name: " + e.getMessage() + "\n" + USAGE, e);
                    }
                }
                case "--lb-algorithm" -> {
                    try {
                        loadBalancing = loadBalancing.withAlgorithm(LoadBalancingOptions.algorithm("--lb-algorithm", value(args, ++i)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(e.getMessage() + "\n" + USAGE, e);
                    }
                }
                case "--maglev-table-size" -> {
                    String v = value(args, ++i);
                    try {
                        tableSize = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--maglev-table-size wants a prime such as 16381, got " + v + "\n" + USAGE);
                    }
                }
                case "--zone" -> {
                    try {
                        zone = AgentConfig.zone(Optional.of(value(args, ++i)), "--zone");
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(e.getMessage() + "\n" + USAGE, e);
                    }
                }
                case "--nodeport-mode" -> nodePort = nodePort.withMode(NodePortOptions.mode(value(args, ++i)));
                case "--nodeport-acceleration" ->
                        nodePort = nodePort.withAcceleration(NodePortOptions.acceleration(value(args, ++i)));
                case "--policy-interface" -> {
                    String v = value(args, ++i);
                    int eq = v.indexOf('=');
                    if (eq < 0 || !v.substring(0, eq).matches("[^/]+/[^/]+") || eq == v.length() - 1) {
                        throw new IllegalArgumentException("--policy-interface wants NAMESPACE/POD=INTERFACE, got " + v + "\n" + USAGE);
                    }
                    policy = policy.withInterface(v.substring(0, eq), v.substring(eq + 1));
                }
                case "--max-entries" -> {
                    String v = value(args, ++i);
                    int eq = v.indexOf('=');
                    try {
                        sizes.put(v.substring(0, eq), Integer.parseInt(v.substring(eq + 1)));
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("--max-entries wants MAP=N, got " + v + "\n" + USAGE);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
            }
        }
        if (!uninstall) {
            if ((manifests == null) == !kube) throw new IllegalArgumentException("give one of --manifests DIR or --kubeconfig\n" + USAGE);
            if (cgroup == null) throw new IllegalArgumentException("--cgroup PATH is required\n" + USAGE);
            if (!nodePort.enabled() && (nodePort.nodeIp().isPresent() || nodePort.mode() != NodePortOptions.DISABLED.mode()
                    || nodePort.acceleration().xdp())) {
                throw new IllegalArgumentException("--node-ip, --nodeport-mode and --nodeport-acceleration need --devices\n" + USAGE);
            }
            if (flowsAddress != null && flowsPort < 0) throw new IllegalArgumentException("--flows-address needs --flows-port\n" + USAGE);
        }
        return new AgentOptions(Optional.ofNullable(manifests), kube, Optional.ofNullable(cgroup), pinDir, node, uninstall, java.util.Map.copyOf(sizes),
                healthPort == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(healthPort), policy, nodePort,
                flowsPort < 0 ? FlowOptions.DISABLED
                        : new FlowOptions(flowsPort, flowsAddress == null ? java.net.InetAddress.getLoopbackAddress() : flowsAddress),
                conntrack, proxyName, AgentConfig.zone(zone, "NODE_ZONE"), withTableSize(loadBalancing, tableSize));
    }

    private static LoadBalancingOptions withTableSize(LoadBalancingOptions options, Integer size) {
        if (size == null) return options;
        try {
            return options.withMaglevTableSize(size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--maglev-table-size: " + e.getMessage() + "\n" + USAGE, e);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
        return args[i];
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "node";
        }
    }
}
