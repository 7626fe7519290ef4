package dev.ebpf4j.k8s.policy.truthtable;

import dev.ebpf4j.k8s.model.ContainerPort;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.policy.ClusterState;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The upstream e2e model: namespaces x, y, z (labels {@code ns=<name>} plus the API server's name label), each with
 * pods a, b, c (label {@code pod=<name>}) serving ports 80 and 81 over TCP, UDP and SCTP with container ports named
 * {@code serve-<port>-<proto>} as upstream names them. Pod {@code <ns>/<pod>} has address 10.0.N.P (x=1..z=3,
 * a=1..c=3); all pods sit on node {@code node-1} with address 192.168.100.1.
 */
public final class TruthTableModel {

    /** The namespaces in matrix order. */
    public static final List<String> NAMESPACES = List.of("x", "y", "z");
    /** The pod names in matrix order. */
    public static final List<String> PODS = List.of("a", "b", "c");
    /** The node every model pod runs on. */
    public static final String NODE = "node-1";
    /** The node's own address. */
    public static final InetAddress NODE_IP = Cidr.address("192.168.100.1");

    private TruthTableModel() {
    }

    /** @return the 9 pod keys in matrix order: x/a, x/b, x/c, y/a, ... */
    public static List<String> podKeys() {
        List<String> keys = new ArrayList<>();
        for (String ns : NAMESPACES) {
            for (String p : PODS) {
                keys.add(ns + "/" + p);
            }
        }
        return keys;
    }

    /**
     * @param namespace x, y or z
     * @param pod a, b or c
     * @return the pod's address
     */
    public static InetAddress ip(String namespace, String pod) {
        return Cidr.address("10.0." + (NAMESPACES.indexOf(namespace) + 1) + "." + (PODS.indexOf(pod) + 1));
    }

    /** @return the initial state: 3 namespaces, 9 pods, no policies */
    public static ClusterState initialState() {
        List<Namespace> namespaces = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        for (String ns : NAMESPACES) {
            namespaces.add(Namespace.of(ns, Map.of("ns", ns)));
            for (String p : PODS) {
                pods.add(pod(ns, p, Map.of("pod", p)));
            }
        }
        return new ClusterState(namespaces, pods, List.of(), Map.of(NODE, List.of(NODE_IP)));
    }

    /**
     * @param ns namespace
     * @param name pod name
     * @param labels labels
     * @return a model pod with the standard ports and address
     */
    public static Pod pod(String ns, String name, Map<String, String> labels) {
        List<ContainerPort> ports = new ArrayList<>();
        for (int port : new int[] {80, 81}) {
            for (L4Protocol proto : L4Protocol.values()) {
                ports.add(ContainerPort.named("serve-" + port + "-" + proto.name().toLowerCase(java.util.Locale.ROOT),
                        port, proto));
            }
        }
        return new Pod(ns, name, labels, List.of(ip(ns, name)), NODE, ports);
    }
}
