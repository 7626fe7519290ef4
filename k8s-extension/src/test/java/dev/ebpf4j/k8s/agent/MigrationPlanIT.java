package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.PerCpuHashMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.KernelMounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static dev.ebpf4j.k8s.agent.MigrationPlan.Action.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What an upgrade does per kind of map, on real pinned maps: unchanged maps are adopted within a layout and copied
 * across layouts, a per-CPU value that widens is converted CPU by CPU, a ring buffer is adopted within a layout and recreated across layouts (it has no entries
 * to copy), and a converter for a ring buffer or a changed map without one is refused naming the map.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class MigrationPlanIT {
    private static byte[] layout1, layout2;
    private final Path pinDir = KernelMounts.bpffs().resolve("e4j-plan-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)));

    @BeforeAll
    static void compile() throws Exception {
        Path dir = Files.createTempDirectory("e4j-plan");
        try {
            Path src = Path.of("src/test/bpf/upgrade_maps.bpf.c");
            BpfBuilder.create().compile(src, dir.resolve("v1.o"));
            BpfBuilder.create().define("UP_LAYOUT_V2", "1").compile(src, dir.resolve("v2.o"));
            layout1 = Files.readAllBytes(dir.resolve("v1.o"));
            layout2 = Files.readAllBytes(dir.resolve("v2.o"));
        } finally {
            Files.deleteIfExists(dir.resolve("v1.o"));
            Files.deleteIfExists(dir.resolve("v2.o"));
            Files.delete(dir);
        }
    }

    @AfterEach
    void removePins() {
        PinLayout.removeAll(pinDir);
    }

    /** Widens the per-CPU __u32 to __u64. */
    private static LayoutMigration widening() {
        return LayoutMigration.builder().step(1, MapConverter.ofValue("up_pcpu", 4, 4, 8,
                (o, n) -> n.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, Integer.toUnsignedLong(o.get(ValueLayout.JAVA_INT_UNALIGNED, 0)))))
                .build();
    }

    @Test
    void eachKindOfMapGetsItsStep() {
        int cpus = pinLayout1();
        PinLayout same = PinLayout.open(pinDir, 1);
        try (BpfObjectSpec spec = BpfObject.open(layout1, "upgrade_maps")) {
            assertEquals(Map.of("up_hash", ADOPT, "up_pcpu", ADOPT, "up_events", ADOPT), actions(MigrationPlan.prepare(same, spec, widening())));
        }
        try (BpfObjectSpec spec = BpfObject.open(layout1, "upgrade_maps")) {
            spec.maxEntries("up_events", 8192);
            assertEquals(RECREATE, actions(MigrationPlan.prepare(same, spec, widening())).get("up_events"), "a resized ring buffer starts empty");
        }

        PinLayout upgrade = PinLayout.open(pinDir, 2);
        assertTrue(upgrade.upgrading());
        BpfObjectSpec spec = BpfObject.open(layout2, "upgrade_maps");
        MigrationPlan plan = MigrationPlan.prepare(upgrade, spec, widening());
        assertEquals(Map.of("up_hash", COPY, "up_pcpu", CONVERT, "up_events", RECREATE), actions(plan));
        try (BpfObject v2 = spec.load()) {
            for (MigrationPlan.MapStep s : plan.steps()) {
                if (s.action() != COPY && s.action() != CONVERT) continue;
                int written = MapCopier.copy(s.source(), v2.map(s.map()), s.converter(), dev.ebpf4j.maps.PutMode.ANY);
                assertEquals(1, written, s.map());
            }
            try (var m = PerCpuHashMap.of(v2.map("up_pcpu"), Codec.s32(), Codec.s64())) {
                List<Long> expected = new ArrayList<>();
                for (int c = 0; c < cpus; c++) expected.add(0xF000_0000L + c); // above 2^31: widened unsigned
                assertEquals(expected, m.get(7).orElseThrow(), "every CPU's value, widened");
            }
            try (var h = BpfHashMap.of(v2.map("up_hash"), Codec.s32(), Codec.s64())) {
                assertEquals(100L, h.get(1).orElseThrow(), "copied as it is");
            }
        }
    }

    @Test
    void refusalsNameTheMap() {
        pinLayout1();
        PinLayout upgrade = PinLayout.open(pinDir, 2);
        try (BpfObjectSpec spec = BpfObject.open(layout2, "upgrade_maps")) {
            var e = assertThrows(IllegalStateException.class,
                    () -> MigrationPlan.prepare(upgrade, spec, LayoutMigration.builder().step(1).build()));
            assertTrue(e.getMessage().startsWith("map up_pcpu pinned at " + pinDir.resolve("lb-v1/maps/up_pcpu")
                    + " (layout 1) cannot become layout 2's: value size 4 (object has 8)"), e.getMessage());
        }
        try (BpfObjectSpec spec = BpfObject.open(layout2, "upgrade_maps")) {
            LayoutMigration ring = LayoutMigration.builder().step(1, widening().path(1, 2).get("up_pcpu"),
                    MapConverter.ofValue("up_events", 4, 4, 4, (o, n) -> { })).build();
            var e = assertThrows(IllegalStateException.class, () -> MigrationPlan.prepare(upgrade, spec, ring));
            assertTrue(e.getMessage().contains("map up_events") && e.getMessage().contains("a RINGBUF has no entries to convert"),
                    e.getMessage());
        }
        assertTrue(Files.exists(pinDir.resolve("lb-v1/maps/up_pcpu")), "refusals touch no pin");
    }

    /** Loads layout 1 with its maps pinned in lb-v1 and fills them; returns the number of possible CPUs. */
    private int pinLayout1() {
        PinLayout layout = PinLayout.open(pinDir, 1);
        BpfObjectSpec spec = BpfObject.open(layout1, "upgrade_maps");
        for (String m : List.of("up_hash", "up_pcpu", "up_events")) spec.pinPath(m, layout.mapPin(m));
        try (BpfObject v1 = spec.load();
             var h = BpfHashMap.of(v1.map("up_hash"), Codec.s32(), Codec.s64());
             var p = PerCpuHashMap.of(v1.map("up_pcpu"), Codec.s32(), Codec.s32())) {
            h.put(1, 100L);
            List<Integer> values = new ArrayList<>();
            for (int c = 0; c < p.cpus(); c++) values.add((int) (0xF000_0000L + c));
            p.put(7, values);
            return p.cpus();
        }
    }

    private static Map<String, MigrationPlan.Action> actions(MigrationPlan plan) {
        Map<String, MigrationPlan.Action> out = new java.util.TreeMap<>();
        for (MigrationPlan.MapStep s : plan.steps()) out.put(s.map(), s.action());
        return out;
    }
}
