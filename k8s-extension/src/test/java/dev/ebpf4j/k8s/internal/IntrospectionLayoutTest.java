package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.BtfKind;
import dev.ebpf4j.core.btf.BtfType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written UAPI offsets in Introspection match the running kernel's BTF. */
class IntrospectionLayoutTest {
    static Btf btf;

    @BeforeAll
    static void readKernelBtf() {
        btf = Btf.kernel();
    }

    static Map<String, Integer> members(String struct) {
        BtfType.Struct s = (BtfType.Struct) btf.type(btf.findId(struct, BtfKind.STRUCT).orElseThrow());
        Map<String, Integer> m = new HashMap<>();
        for (BtfType.Member member : s.members()) m.put(member.name(), member.byteOffset());
        m.put("<size>", s.size());
        return m;
    }

    @Test
    void progInfo() {
        Map<String, Integer> m = members("bpf_prog_info");
        assertTrue(m.get("<size>") >= Introspection.PROG_INFO_SIZE);
        assertEquals(Introspection.PROG_TYPE, m.get("type"));
        assertEquals(Introspection.PROG_ID, m.get("id"));
        assertEquals(Introspection.PROG_TAG, m.get("tag"));
        assertEquals(Introspection.PROG_JITED_LEN, m.get("jited_prog_len"));
        assertEquals(Introspection.PROG_XLATED_LEN, m.get("xlated_prog_len"));
        assertEquals(Introspection.PROG_LOAD_TIME, m.get("load_time"));
        assertEquals(Introspection.PROG_UID, m.get("created_by_uid"));
        assertEquals(Introspection.PROG_NR_MAP_IDS, m.get("nr_map_ids"));
        assertEquals(Introspection.PROG_MAP_IDS, m.get("map_ids"));
        assertEquals(Introspection.PROG_NAME, m.get("name"));
        assertEquals(Introspection.PROG_RUN_TIME, m.get("run_time_ns"));
        assertEquals(Introspection.PROG_RUN_CNT, m.get("run_cnt"));
        assertEquals(Introspection.PROG_VERIFIED, m.get("verified_insns"));
    }

    @Test
    void mapInfo() {
        Map<String, Integer> m = members("bpf_map_info");
        assertTrue(m.get("<size>") >= Introspection.MAP_INFO_SIZE);
        assertEquals(Introspection.MAP_TYPE, m.get("type"));
        assertEquals(Introspection.MAP_ID, m.get("id"));
        assertEquals(Introspection.MAP_KEY, m.get("key_size"));
        assertEquals(Introspection.MAP_VALUE, m.get("value_size"));
        assertEquals(Introspection.MAP_MAX, m.get("max_entries"));
        assertEquals(Introspection.MAP_FLAGS, m.get("map_flags"));
        assertEquals(Introspection.MAP_NAME, m.get("name"));
    }

    @Test
    void linkInfo() {
        Map<String, Integer> m = members("bpf_link_info");
        assertTrue(m.get("<size>") >= Introspection.LINK_INFO_SIZE);
        assertEquals(Introspection.LINK_TYPE, m.get("type"));
        assertEquals(Introspection.LINK_ID, m.get("id"));
        assertEquals(Introspection.LINK_PROG, m.get("prog_id"));
        assertEquals(Introspection.LINK_IFINDEX, m.get("")); // the anonymous union holding xdp/tcx/netkit {ifindex, attach_type}
    }
}
