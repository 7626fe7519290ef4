package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.internal.Interfaces;
import dev.ebpf4j.k8s.internal.Introspection;
import dev.ebpf4j.k8s.internal.NetAttachments;
import dev.ebpf4j.k8s.internal.PinnedMaps;
import dev.ebpf4j.k8s.observe.Addresses;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's datapath state read from its pinned maps, read-only: {@code PIN_DIR/lb-v1/maps/lb_*} (layouts of
 * {@code lb_common.h}) and {@code PIN_DIR/policy-v1/maps/policy_*} (layouts of {@code policy.bpf.c}). Decodes the
 * bytes itself rather than through the agent's codecs, so that it reads what the kernel holds, whichever agent wrote it.
 */
public final class PinnedState implements ClusterState {
    /** The agent's default pin directory. */
    public static final Path DEFAULT_PIN_DIR = Path.of("/sys/fs/bpf/ebpf4j");
    private static final int ALL = Integer.MAX_VALUE, AF_INET = 2;
    private static final int F_LOCAL = 1, F_MAGLEV = 2, F_AFFINITY = 4;
    private static final String[] DROP_REASONS = {"none", "policy_egress", "policy_ingress"};

    private final Path pinDir;

    /** State under {@code pinDir} (the agent's {@code --pin-dir}). */
    public PinnedState(Path pinDir) {
        this.pinDir = pinDir;
    }

    private Path lbMaps() {
        return pinDir.resolve("lb-v1").resolve("maps");
    }

    private Path policyMaps() {
        return pinDir.resolve("policy-v1").resolve("maps");
    }

    private List<Introspection.Entry> lb(String map) {
        return PinnedMaps.read(lbMaps().resolve(map), ALL).orElseThrow(() -> new IllegalStateException(
                "no load-balancer maps pinned under " + lbMaps() + " (" + map + " is missing): is the agent running"
                        + " with this --pin-dir?")).entries();
    }

    private List<Introspection.Entry> policy(String map) {
        return PinnedMaps.read(policyMaps().resolve(map), ALL).orElseThrow(() -> new IllegalStateException(
                "no policy maps pinned under " + policyMaps() + " (" + map + " is missing): is the agent running with"
                        + " policy enabled and this --pin-dir?")).entries();
    }

    @Override
    public List<ServiceRow> services() {
        List<Introspection.Entry> services = lb("lb_services");
        Map<List<Integer>, Integer> slots = new HashMap<>();
        for (Introspection.Entry e : lb("lb_slots")) {
            ByteBuffer k = le(e.key());
            slots.put(List.of(k.getInt(), k.getInt(), k.getInt()), le(e.value()).getInt());
        }
        Map<Integer, BackendRow> backends = new HashMap<>();
        for (BackendRow b : backends()) backends.put(b.id(), b);
        List<ServiceRow> out = new ArrayList<>();
        for (Introspection.Entry e : services) {
            byte[] k = e.key();
            ByteBuffer v = le(e.value());
            int id = v.getInt(), rev = v.getInt(), count = v.getInt(), maglev = v.getInt(), affinity = v.getInt(), flags = v.getInt();
            String addr = address(k, k[19]);
            boolean nodePort = Arrays.equals(Arrays.copyOf(k, 16), new byte[16]);
            String frontend = (nodePort ? "*" : addr) + ":" + port(k, 16) + "/" + protocol(k[18]);
            List<String> names = new ArrayList<>();
            if ((flags & F_LOCAL) != 0) names.add("Local");
            if ((flags & F_MAGLEV) != 0) names.add("Maglev");
            if ((flags & F_AFFINITY) != 0) names.add("Affinity");
            List<BackendRow> rows = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Integer b = slots.get(List.of(id, rev, i));
                if (b == null) rows.add(new BackendRow(0, "slot " + i, "missing"));
                else rows.add(backends.getOrDefault(b, new BackendRow(b, "?", "missing")));
            }
            out.add(new ServiceRow(id, frontend, nodePort ? "NodePort" : "ClusterIP", rev, maglev, affinity, names, rows));
        }
        out.sort(Comparator.comparingInt(ServiceRow::id).thenComparing(ServiceRow::frontend));
        return out;
    }

    @Override
    public List<BackendRow> backends() {
        List<BackendRow> out = new ArrayList<>();
        for (Introspection.Entry e : lb("lb_backends")) {
            int id = le(e.key()).getInt();
            byte[] v = e.value();
            String state = switch (v[20]) {
                case 0 -> "active";
                case 1 -> "terminating";
                default -> "state" + v[20];
            };
            out.add(new BackendRow(id, address(v, v[19]) + ":" + port(v, 16) + "/" + protocol(v[18]), state));
        }
        out.sort(Comparator.comparingInt(BackendRow::id));
        return out;
    }

    @Override
    public List<EndpointRow> endpoints() {
        Map<String, Interfaces.Interface> routes = HostRoutes.read();
        Map<Integer, String> datapath = new HashMap<>();
        List<EndpointRow> out = new ArrayList<>();
        for (Introspection.Entry e : policy("policy_endpoints")) {
            ByteBuffer v = le(e.value());
            int id = v.getInt(), identity = v.getInt(), flags = v.getInt();
            String addr = mappedAddress(e.key());
            Interfaces.Interface i = routes.get(addr);
            out.add(new EndpointRow(id, addr, identity, (flags & 1) != 0, (flags & 2) != 0,
                    i == null ? "-" : i.name() + "(" + i.index() + ")",
                    i == null ? "-" : datapath.computeIfAbsent(i.index(), k -> policyPrograms(i))));
        }
        out.sort(Comparator.comparingInt(EndpointRow::id).thenComparing(EndpointRow::address));
        return out;
    }

    /** Whether the policy programs are on the interface's tcx hooks (by program name: the kernel keeps 15 characters). */
    private static String policyPrograms(Interfaces.Interface i) {
        List<NetAttachments.Attachment> tcx = NetAttachments.tcx(i);
        boolean in = tcx.stream().anyMatch(a -> a.hook().equals("tcx/ingress") && a.programName().equals("policy_from_pod"));
        boolean out = tcx.stream().anyMatch(a -> a.hook().equals("tcx/egress") && a.programName().equals("policy_to_pod"));
        return in && out ? "attached" : in || out ? "partial" : "detached";
    }

    @Override
    public List<PolicyRow> policies() {
        List<PolicyRow> out = new ArrayList<>();
        for (Introspection.Entry e : policy("policy_rules")) {
            ByteBuffer k = le(e.key());
            int prefix = k.getInt(), endpoint = k.getInt(), identity = k.getInt();
            int direction = Byte.toUnsignedInt(k.get()), proto = Byte.toUnsignedInt(k.get());
            int port = Short.toUnsignedInt(k.order(ByteOrder.BIG_ENDIAN).getShort());
            String ports;
            if (prefix <= 80) ports = "any";
            else if (prefix >= 96) ports = Integer.toString(port);
            else ports = port + "-" + (port + (1 << (96 - prefix)) - 1);
            out.add(new PolicyRow(endpoint, direction == 1 ? "ingress" : direction == 2 ? "egress" : "dir" + direction,
                    switch (identity) {
                        case 0 -> "any";
                        case 1 -> "host";
                        case 2 -> "world";
                        default -> Integer.toString(identity);
                    }, prefix <= 72 ? "any" : protocol((byte) proto), ports, le(e.value()).getInt()));
        }
        out.sort(Comparator.comparingInt(PolicyRow::endpointId).thenComparing(PolicyRow::direction)
                .thenComparing(PolicyRow::peer).thenComparing(PolicyRow::protocol).thenComparing(PolicyRow::ports));
        return out;
    }

    @Override
    public List<dev.ebpf4j.k8s.conntrack.ConntrackOccupancy> conntrack() {
        List<dev.ebpf4j.k8s.conntrack.ConntrackOccupancy> out = new ArrayList<>();
        for (String table : dev.ebpf4j.k8s.conntrack.ConntrackOccupancy.TABLES) {
            Path pin = (table.startsWith("lb_") ? lbMaps() : policyMaps()).resolve(table);
            PinnedMaps.read(pin, ALL).ifPresent(d -> {
                var count = dev.ebpf4j.k8s.conntrack.ConntrackOccupancy.empty(table);
                for (Introspection.Entry e : d.entries()) count = count.plus(e.key(), e.value());
                out.add(count);
            });
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no conntrack maps pinned under " + lbMaps() + " or " + policyMaps()
                    + ": is the agent running with this --pin-dir?");
        }
        return out;
    }

    @Override
    public PolicyCounters policyCounters() {
        List<Introspection.Entry> config = policy("policy_config");
        int revision = config.isEmpty() ? 0 : le(config.getFirst().value()).getInt();
        Map<String, Long> drops = new LinkedHashMap<>();
        for (Introspection.Entry e : policy("policy_counters")) {
            int slot = le(e.key()).getInt();
            if (slot == 0) continue; // DROP_NONE: unused
            ByteBuffer v = le(e.value());
            long sum = 0;
            while (v.remaining() >= 8) sum += v.getLong();
            if (slot < DROP_REASONS.length) drops.put(DROP_REASONS[slot], sum);
            else if (sum != 0) drops.put("reason" + slot, sum); // a newer datapath's reason: show it when it counted
        }
        return new PolicyCounters(revision, drops);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    private static int port(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
    }

    /** struct lb_addr: IPv4 in the first 4 bytes, IPv6 in all 16. */
    private static String address(byte[] b, byte family) {
        byte[] raw = family == AF_INET ? Arrays.copyOf(b, 4) : Arrays.copyOf(b, 16);
        String s = literal(raw);
        return family == AF_INET ? s : "[" + s + "]";
    }

    /** Policy addresses: IPv6, or IPv4 as IPv4-mapped IPv6 (shown as IPv4). */
    private static String mappedAddress(byte[] b) {
        boolean v4 = Arrays.equals(Arrays.copyOf(b, 12), new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff});
        return literal(v4 ? Arrays.copyOfRange(b, 12, 16) : Arrays.copyOf(b, 16));
    }

    private static String literal(byte[] raw) {
        return Addresses.text(raw);
    }

    private static String protocol(byte p) {
        return switch (Byte.toUnsignedInt(p)) {
            case 1 -> "ICMP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 58 -> "ICMPv6";
            case 132 -> "SCTP";
            default -> "proto" + Byte.toUnsignedInt(p);
        };
    }
}
