package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.observe.ObserveObjects;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bpftool-like views against objects this test loads into the kernel. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class IntrospectionCliIT {

    @Test
    void progListShowsLoadedProgramsWithTheirMaps() {
        try (BpfObject obj = BpfObject.open(ObserveObjects.compile("observe_tcp")).load()) {
            CliRun r = CliRun.run("prog", "list", "--name", "observe_tcp");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("ID"), r.out());
            assertTrue(r.out().matches("(?s).*\\n\\d+ +tracepoint +observe_tcp_sta +[0-9a-f]{16} .*"), r.out()); // kernel names are cut at 15 chars
            assertTrue(r.out().contains("observe_tcp_ret"), r.out());
            CliRun json = CliRun.run("prog", "list", "--name", "observe_tcp_sta", "-o", "json");
            assertTrue(json.out().matches("(?s)\\{\"id\":\\d+,\"type\":\"tracepoint\",\"name\":\"observe_tcp_sta\",\"tag\":\"[0-9a-f]{16}\".*\"map_ids\":\\[\\d+(,\\d+)*\\].*\n"), json.out());
        }
    }

    @Test
    void mapListAndDump() throws Throwable {
        try (BpfObject obj = BpfObject.open(ObserveObjects.compile("observe_tcp")).load()) {
            CliRun list = CliRun.run("map", "list", "--name", "observe_");
            assertTrue(list.out().matches("(?s).*\\n\\d+ +ringbuf +observe_events +0B +0B +262144 .*"), list.out());
            assertTrue(list.out().matches("(?s).*\\n\\d+ +lru_hash +observe_syn_sta +8B +8B +16384 .*"), list.out());
            CliRun dump = CliRun.run("map", "dump", "observe_lost");
            assertEquals(0, dump.exit(), dump.err());
            int cpus = dev.ebpf4j.k8s.internal.Introspection.possibleCpus();
            assertTrue(dump.out().startsWith("key: 00 00 00 00  value: 00 00 00 00 00 00 00 00" + " 00 00 00 00 00 00 00 00".repeat(cpus - 1) + "\n"), dump.out());
            assertTrue(dump.out().endsWith("Found 1 element\n"), dump.out());
            CliRun json = CliRun.run("map", "list", "--name", "observe_syn_sta", "-o", "json");
            assertTrue(json.out().matches("\\{\"id\":\\d+,\"type\":\"lru_hash\",\"name\":\"observe_syn_sta\",\"key_size\":8,"
                    + "\"value_size\":8,\"max_entries\":16384,\"flags\":0}\n"), json.out());
            CliRun dumpJson = CliRun.run("map", "dump", "observe_lost", "-o", "json");
            assertEquals("{\"key\":\"00 00 00 00\",\"value\":\"" + "00 00 00 00 00 00 00 00 ".repeat(cpus).strip() + "\"}\n", dumpJson.out());
            CliRun missing = CliRun.run("map", "dump", "no_such_map_xyz");
            assertEquals(2, missing.exit());
            assertTrue(missing.err().contains("no map named 'no_such_map_xyz'"), missing.err());
        }
    }

    @Test
    void statusAsJson() {
        CliRun r = CliRun.run("status", "-o", "json", "--pin-dir", "/tmp/e4j-cli-status-no-pins");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.matches("\\{\"kernel\":\"\\d+\\.\\d+.*\",\"btf\":true,\"capabilities\":\\[.*\"CAP_BPF\".*],\"bpffs\":true,"
                + "\"features\":\\{\"program/xdp\":\"available\",.*\"map/ringbuf\":\"available\".*},"
                + "\"objects\":\\{\"programs\":\\d+,\"maps\":\\d+,\"links\":\\d+},\"pin_dir\":\"/tmp/e4j-cli-status-no-pins\","
                + "\"load_balancer\":\\{\"error\":\"no load-balancer maps pinned under .*\"},\"policy\":\\{\"error\":\"no policy maps .*\"},"
                + "\"conntrack\":\\{\"error\":\"no conntrack maps pinned under .*\"},\"observer\":null}\n"), out);
    }

    @Test
    void statusCountsObjects() {
        CliRun r = CliRun.run("status");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("ringbuf"), r.out());
        assertTrue(r.out().matches("(?s).*BPF objects: +\\d+ programs, \\d+ maps, \\d+ links.*"), r.out());
        assertTrue(r.out().contains("Observer:      not running"), r.out());
    }
}
