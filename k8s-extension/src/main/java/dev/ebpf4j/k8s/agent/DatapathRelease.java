package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.k8s.lb.LbObject;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The LB datapath an agent installs: the object, the layout version of its maps, and the converters from older
 * layouts. {@link #CURRENT} is this build's; tests build others (a layout 2 object and its converters) to exercise
 * upgrades.
 *
 * @param layoutVersion the layout version of the object's map keys and values
 * @param object        opens the object (a fresh spec per call)
 * @param migrations    the converters from older layouts
 */
record DatapathRelease(int layoutVersion, Supplier<BpfObjectSpec> object, LayoutMigration migrations) {
    /** This build's datapath: {@link LbObject} at {@link PinLayout#LAYOUT_VERSION}. */
    static final DatapathRelease CURRENT = new DatapathRelease(PinLayout.LAYOUT_VERSION, LbObject::open, LayoutMigration.DEFAULT);

    DatapathRelease {
        if (layoutVersion < 1) throw new IllegalArgumentException("layout versions start at 1, got " + layoutVersion);
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(migrations, "migrations");
    }
}
