package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.BtfKind;
import dev.ebpf4j.core.btf.BtfType;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.build.BpfBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Java offsets in FlowEventView match struct observe_event as clang lays it out (read back from the object's BTF). */
class FlowEventLayoutTest {

    @Test
    void javaOffsetsMatchTheCompiledStruct() throws Exception {
        Path object = Files.createTempDirectory("ebpf4j-layout").resolve("observe_layout.bpf.o");
        BpfBuilder.create().includeDirectory(ObserveObjects.SOURCES.toAbsolutePath())
                .compile(Path.of("src/test/bpf/observe_layout.bpf.c"), object);
        try (BpfObjectSpec spec = BpfObject.open(object)) {
            check(spec.btf().orElseThrow());
        }
    }

    private static void check(Btf btf) {
        int id = btf.findId("observe_event", BtfKind.STRUCT).orElseThrow();
        BtfType.Struct s = (BtfType.Struct) btf.type(id);
        assertEquals(FlowEventView.HEADER_SIZE, s.size());
        Map<String, Integer> actual = new TreeMap<>();
        for (BtfType.Member m : s.members()) actual.put(m.name(), m.byteOffset());
        Map<String, Integer> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("ts_ns", FlowEventView.TS), Map.entry("kind", FlowEventView.KIND),
                Map.entry("verdict", FlowEventView.VERDICT), Map.entry("drop_reason", FlowEventView.DROP),
                Map.entry("family", FlowEventView.FAMILY), Map.entry("l4_proto", FlowEventView.PROTO),
                Map.entry("tcp_flags", FlowEventView.FLAGS), Map.entry("direction", FlowEventView.DIR),
                Map.entry("subtype", FlowEventView.SUBTYPE), Map.entry("ifindex", FlowEventView.IFINDEX),
                Map.entry("pid", FlowEventView.PID), Map.entry("saddr", FlowEventView.SADDR),
                Map.entry("daddr", FlowEventView.DADDR), Map.entry("sport", FlowEventView.SPORT),
                Map.entry("dport", FlowEventView.DPORT), Map.entry("orig_dport", FlowEventView.ORIG_DPORT),
                Map.entry("payload_len", FlowEventView.PAYLOAD_LEN), Map.entry("orig_daddr", FlowEventView.ORIG_DADDR),
                Map.entry("sock_id", FlowEventView.SOCK_ID), Map.entry("latency_ns", FlowEventView.LATENCY),
                Map.entry("tcp_seq", FlowEventView.SEQ), Map.entry("old_state", FlowEventView.OLD_STATE),
                Map.entry("new_state", FlowEventView.NEW_STATE), Map.entry("sk_err", FlowEventView.SK_ERR)));
        assertEquals(expected, actual);
        BtfType.Struct l7 = (BtfType.Struct) btf.type(btf.findId("observe_l7_event", BtfKind.STRUCT).orElseThrow());
        assertEquals(FlowEventView.HEADER_SIZE + FlowEventView.PAYLOAD_MAX, l7.size());
    }

}
