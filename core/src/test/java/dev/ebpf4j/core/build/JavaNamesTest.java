package dev.ebpf4j.core.build;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JavaNamesTest {
    @Test
    void typesAreUpperCamelWithoutTheTypedefSuffix() {
        assertEquals("FlowKey", JavaNames.type("flow_key"));
        assertEquals("GenAnon", JavaNames.type("gen_anon_t"));
        assertEquals("XdpMd", JavaNames.type("xdp_md"));
        assertEquals("T4tuple", JavaNames.type("4tuple"));
    }

    @Test
    void fieldsAreLowerCamelAndNeverKeywordsOrRecordMethods() {
        assertEquals("srcIp", JavaNames.field("src_ip"));
        assertEquals("srcIp", JavaNames.field("SRC_IP"));
        assertEquals("int_", JavaNames.field("int"));
        assertEquals("hashCode_", JavaNames.field("hashCode"));
        assertEquals("write_", JavaNames.field("write"));
        assertEquals("f1st", JavaNames.field("1st"));
        assertEquals("pad", JavaNames.field("__pad"));
    }

    @Test
    void constantsKeepTheirCSpelling() {
        assertEquals("XDP_PASS", JavaNames.constant("XDP_PASS"));
        assertEquals("_default", JavaNames.constant("default"));
    }
}
