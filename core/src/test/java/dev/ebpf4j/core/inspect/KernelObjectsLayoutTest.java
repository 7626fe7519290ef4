package dev.ebpf4j.core.inspect;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.BtfKind;
import dev.ebpf4j.core.btf.BtfType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written UAPI offsets in KernelObjects match the running kernel's BTF. */
class KernelObjectsLayoutTest {
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
        assertTrue(m.get("<size>") >= KernelObjects.PROG_INFO_SIZE);
        assertEquals(KernelObjects.PROG_TYPE, m.get("type"));
        assertEquals(KernelObjects.PROG_ID, m.get("id"));
        assertEquals(KernelObjects.PROG_TAG, m.get("tag"));
        assertEquals(KernelObjects.PROG_JITED_LEN, m.get("jited_prog_len"));
        assertEquals(KernelObjects.PROG_XLATED_LEN, m.get("xlated_prog_len"));
        assertEquals(KernelObjects.PROG_LOAD_TIME, m.get("load_time"));
        assertEquals(KernelObjects.PROG_UID, m.get("created_by_uid"));
        assertEquals(KernelObjects.PROG_NR_MAP_IDS, m.get("nr_map_ids"));
        assertEquals(KernelObjects.PROG_MAP_IDS, m.get("map_ids"));
        assertEquals(KernelObjects.PROG_NAME, m.get("name"));
        assertEquals(KernelObjects.PROG_RUN_TIME, m.get("run_time_ns"));
        assertEquals(KernelObjects.PROG_RUN_CNT, m.get("run_cnt"));
        assertEquals(KernelObjects.PROG_VERIFIED, m.get("verified_insns"));
    }

    @Test
    void mapInfo() {
        Map<String, Integer> m = members("bpf_map_info");
        assertTrue(m.get("<size>") >= KernelObjects.MAP_INFO_SIZE);
        assertEquals(KernelObjects.MAP_TYPE, m.get("type"));
        assertEquals(KernelObjects.MAP_ID, m.get("id"));
        assertEquals(KernelObjects.MAP_KEY, m.get("key_size"));
        assertEquals(KernelObjects.MAP_VALUE, m.get("value_size"));
        assertEquals(KernelObjects.MAP_MAX, m.get("max_entries"));
        assertEquals(KernelObjects.MAP_FLAGS, m.get("map_flags"));
        assertEquals(KernelObjects.MAP_NAME, m.get("name"));
    }

    @Test
    void linkInfo() {
        Map<String, Integer> m = members("bpf_link_info");
        assertTrue(m.get("<size>") >= KernelObjects.LINK_INFO_SIZE);
        assertEquals(KernelObjects.LINK_TYPE, m.get("type"));
        assertEquals(KernelObjects.LINK_ID, m.get("id"));
        assertEquals(KernelObjects.LINK_PROG, m.get("prog_id"));
        assertEquals(KernelObjects.LINK_UNION, m.get("")); // the anonymous union holding xdp/tcx/netkit {ifindex, attach_type}
    }
}
