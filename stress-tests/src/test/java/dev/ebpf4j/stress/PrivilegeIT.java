package dev.ebpf4j.stress;

import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.KernelMounts;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Shell;
import dev.ebpf4j.testkit.TestCgroup;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With CAP_BPF, CAP_NET_ADMIN or CAP_PERFMON missing, every entry point fails with a {@code PermissionException}
 * naming what is missing, and nothing is left attached. A child JVM ({@link PrivilegeProbe}) runs under
 * {@code capsh --drop=...} (bounding set, so an exec cannot regain them; CAP_SYS_ADMIN goes too, since the kernel
 * accepts it in place of each), inside a test namespace via {@code nsenter}; attach cases drop the capability from the
 * probe thread after loading. Kernel listings before and after show nothing left behind.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class PrivilegeIT {
    private static Topology topology;
    private static NetNamespace ns;
    private static TestCgroup cgroup;

    @BeforeAll
    static void setUp() {
        KernelMounts.bpffs();
        KernelMounts.tracefs();
        topology = Topology.create("e4jst");
        NetNamespace peer = topology.namespace("pp");
        ns = topology.namespace("pl");
        topology.veth(peer, "vp", "10.78.0.1/24", ns, "vl", "10.78.0.2/24");
        topology.verifyIsolated();
        cgroup = TestCgroup.create("e4jst");
    }

    @AfterAll
    static void tearDown() {
        try {
            if (cgroup != null) cgroup.close();
        } finally {
            if (topology != null) topology.close();
        }
    }

    private static final String BPF = "CAP_BPF", NET = "CAP_NET_ADMIN", PERF = "CAP_PERFMON", OK = "ok";

    @Test
    void withoutCapBpfEveryLoadAndMapCreateNamesCapBpf() throws Exception {
        Map<String, String> want = new LinkedHashMap<>();
        for (String e : List.of("load XDP object", "load TC program", "load cgroup program", "load tracepoint program",
                "create HASH", "create ARRAY", "create PERCPU_ARRAY", "create LPM_TRIE", "create QUEUE", "create RINGBUF",
                "create SOCKMAP", "create DEVMAP")) {
            want.put(e, BPF);
        }
        check("cap_bpf,cap_sys_admin", List.of("load"), want);
    }

    @Test
    void withoutCapNetAdminNetworkingLoadsNameIt() throws Exception {
        // The stress object carries a SOCKMAP, whose creation needs CAP_NET_ADMIN: so even its tracepoint program
        // cannot load without it, and the exception says so.
        check("cap_net_admin,cap_sys_admin", List.of("load"), Map.of("load XDP object", NET, "load TC program", NET,
                "load cgroup program", NET, "load tracepoint program", NET, "create HASH", OK, "create RINGBUF", OK,
                "create SOCKMAP", NET, "create DEVMAP", NET));
    }

    @Test
    void withoutCapPerfmonTracingLoadsNameIt() throws Exception {
        // The XDP counter subtracts packet pointers, which the verifier allows only with CAP_PERFMON.
        check("cap_perfmon,cap_sys_admin", List.of("load"), Map.of("load XDP object", PERF, "load TC program", OK,
                "load tracepoint program", PERF, "create HASH", OK, "create SOCKMAP", OK));
    }

    @Test
    void attachWithoutCapNetAdminNamesItAndAttachesNothing() throws Exception {
        // The kernel checks CAP_NET_ADMIN when a networking program is loaded; bpf_link_create for XDP and cgroup
        // hooks then needs only the program fd. Netlink and the tcx probe are checked again.
        check("", List.of("attach", cgroup.path().toString(), NET, "CAP_SYS_ADMIN"), Map.of("attach XDP link", OK,
                "attach XDP netlink", NET, "attach tcx", NET, "attach TC netlink", NET, "attach cgroup connect4", OK,
                "attach tracepoint", OK));
    }

    @Test
    void attachWithoutCapPerfmonNamesItAndAttachesNothing() throws Exception {
        // CAP_SYS_ADMIN goes too (it stands in for CAP_PERFMON): netlink attachments detach without it, in place.
        check("", List.of("attach", cgroup.path().toString(), PERF, "CAP_SYS_ADMIN"), Map.of("attach XDP link", OK,
                "attach XDP netlink", OK, "attach tcx", OK, "attach TC netlink", OK, "attach cgroup connect4", OK,
                "attach tracepoint", PERF));
    }

    /** Runs the probe with {@code drop} removed, compares each wanted entry, and checks the kernel is as before. */
    private static void check(String drop, List<String> probeArgs, Map<String, String> want) throws Exception {
        KernelListing.Snapshot before = KernelListing.snapshot();
        Map<String, String[]> got = runProbe(drop, probeArgs);
        List<String> wrong = new ArrayList<>();
        want.forEach((entry, expected) -> {
            String[] r = got.get(entry);
            String actual = r == null ? "no result" : r[0].equals("ok") ? OK : r[0].equals("PermissionException") ? r[1] : r[0] + ": " + r[2];
            if (!expected.equals(actual)) wrong.add(entry + ": want " + expected + ", got " + actual + (r == null ? "" : " (" + r[2] + ")"));
        });
        assertEquals(List.of(), wrong, "drop " + drop + " " + probeArgs);
        assertEquals(List.of(), KernelListing.leaksSince(before), "left behind after drop " + drop);
        assertEquals("", ns.tc("filter", "show", "dev", "vl", "ingress").trim(), "no tc filter left");
        assertEquals("", ns.ip("link", "show", "vl").contains("xdp") ? "xdp attached" : "", "no XDP program left on vl");
    }

    private static Map<String, String[]> runProbe(String drop, List<String> probeArgs) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        StringBuilder cmd = new StringBuilder("exec ").append(quote(java))
                .append(" --enable-native-access=ALL-UNNAMED -cp ").append(quote(System.getProperty("java.class.path")))
                .append(" ").append(PrivilegeProbe.class.getName());
        for (String a : probeArgs) cmd.append(' ').append(quote(a));
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + ns.path(), "capsh"));
        if (!drop.isEmpty()) argv.add("--drop=" + drop);
        argv.addAll(List.of("--", "-c", cmd.toString()));
        Shell.Result r = Shell.exec(argv.toArray(String[]::new));
        Map<String, String[]> results = r.output().lines().filter(l -> l.startsWith("RESULT|"))
                .map(l -> l.split("\\|", 5)).collect(Collectors.toMap(p -> p[1], p -> new String[] {p[2], p[3], p[4]}, (a, b) -> a, LinkedHashMap::new));
        System.out.println("drop [" + drop + "] " + probeArgs + " exit " + r.exitCode());
        results.forEach((k, v) -> System.out.printf("  %-26s %-22s %s %s%n", k, v[0], v[1], v[2]));
        if (results.isEmpty()) throw new AssertionError("probe printed no results (exit " + r.exitCode() + "): " + r.output());
        return results;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
