package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.BpfPins;
import dev.ebpf4j.core.PermissionException;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.k8s.internal.KernelObjects;
import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.maps.PutMode;
import dev.ebpf4j.programs.BpfLink;
import dev.ebpf4j.programs.CgroupSockAddrProgram;
import dev.ebpf4j.programs.KernelProgram;
import dev.ebpf4j.programs.Link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads the LB object over what is pinned and attaches it, migrating when needed: the object's maps reuse or replace
 * the pinned ones ({@link MigrationPlan}), replaced maps are filled (copied or converted), the pinned cgroup links are
 * switched to the new programs with link updates (atomic per link: never a moment without a program, never a second
 * link), then the pins move to the new maps. Until that last step everything can be undone, and is on any failure:
 * the links go back to the programs they ran, the new maps are dropped, and the old pins keep serving.
 *
 * <p>An upgrade across layout versions builds the new version's pins in a staging directory and renames it into place
 * in one step before it removes the old version's directory, so a crash leaves either the old pins or complete new ones.
 */
final class DatapathInstall {
    private static final System.Logger LOG = System.getLogger(DatapathInstall.class.getName());

    /**
     * What the install did.
     *
     * @param object       the loaded object
     * @param links        the socket links, one per {@link LbObject#SOCKET_PROGRAMS program}, in that order
     * @param plan         what happened to each map
     * @param adoptedLinks pinned links switched to the new programs
     * @param createdLinks links attached anew
     */
    record Result(BpfObject object, List<BpfLink> links, MigrationPlan plan, int adoptedLinks, int createdLinks) {
    }

    /** A pinned link switched to a new program, and the program it ran before, held open to switch back. */
    private record Switched(BpfLink link, KernelProgram oldProgram) {
    }

    private final PinLayout layout;
    private final MigrationPlan plan;
    private final BpfObject object;
    private final long cgroupId;
    private final List<BpfLink> links = new ArrayList<>();
    private final List<Switched> switched = new ArrayList<>();
    private final List<BpfLink> created = new ArrayList<>();

    private DatapathInstall(PinLayout layout, MigrationPlan plan, BpfObject object, long cgroupId) {
        this.layout = layout;
        this.plan = plan;
        this.object = object;
        this.cgroupId = cgroupId;
    }

    /**
     * Plans, loads, fills, attaches to {@code cgroup} and commits; consumes {@code spec}.
     *
     * @throws IllegalStateException when a pin cannot be adopted or migrated (nothing was changed)
     */
    static Result run(PinLayout layout, BpfObjectSpec spec, LayoutMigration migrations, Path cgroup) {
        MigrationPlan plan;
        long cgroupId;
        try {
            cgroupId = KernelObjects.cgroupId(cgroup);
            plan = MigrationPlan.prepare(layout, spec, migrations);
        } catch (RuntimeException | Error e) {
            spec.close();
            throw e;
        }
        DatapathInstall install = new DatapathInstall(layout, plan, spec.load(), cgroupId);
        try {
            install.fill(PutMode.ANY);
            install.attach(cgroup);
            install.commit();
        } catch (RuntimeException | Error e) {
            install.rollBack(e);
            throw e;
        }
        install.releaseOldPrograms();
        return new Result(install.object, List.copyOf(install.links), plan, install.switched.size(), install.created.size());
    }

    /** Copies or converts the pinned entries into the replacing maps; NOEXIST keeps what the new programs wrote. */
    private void fill(PutMode mode) {
        for (MigrationPlan.MapStep s : plan.steps()) {
            if (s.action() != MigrationPlan.Action.COPY && s.action() != MigrationPlan.Action.CONVERT) continue;
            MapCopier.copy(s.source(), object.map(s.map()), s.converter(), mode);
        }
    }

    private void attach(Path cgroup) {
        for (String name : LbObject.SOCKET_PROGRAMS) {
            CgroupSockAddrProgram program = CgroupSockAddrProgram.of(object.program(name));
            Path pinned = layout.sourceLinkPin(cgroupId, name);
            if (Files.exists(pinned)) {
                BpfLink link = Link.openPinned(pinned);
                links.add(link);
                KernelProgram old = runningProgram(link, layout.sourceProgramPin(cgroupId, name));
                try {
                    link.update(program);
                } catch (RuntimeException e) {
                    old.close();
                    throw e;
                }
                switched.add(new Switched(link, old));
            } else {
                Link link = program.attach(cgroup);
                if (!(link instanceof BpfLink bpfLink)) {
                    link.close();
                    throw new IllegalStateException("the kernel attached " + name + " without a bpf_link (" + link
                            + "): it cannot be pinned, so the datapath would not survive a restart; needs Linux 5.7+");
                }
                links.add(bpfLink);
                created.add(bpfLink);
                // Within one layout the pin goes in place now; an upgrade pins at commit, into its staging directory.
                if (!layout.upgrading()) bpfLink.pin(layout.linkPin(cgroupId, name));
            }
        }
    }

    private void commit() {
        fill(PutMode.NO_EXIST); // what the old programs wrote between the first copy and the switch
        if (!layout.upgrading()) {
            for (MigrationPlan.MapStep s : plan.steps()) if (s.replaces()) replacePin(s.map(), layout.mapPin(s.map()));
            Set<Path> wanted = new HashSet<>();
            for (String name : LbObject.SOCKET_PROGRAMS) wanted.add(layout.linkPin(cgroupId, name));
            // Links of another cgroup (an earlier run's --cgroup): unpinning them detaches them.
            layout.removeLinkPinsExcept(wanted);
            Set<Path> programs = new HashSet<>();
            for (String name : LbObject.SOCKET_PROGRAMS) {
                Path pin = layout.programPin(cgroupId, name);
                replacePin(object.program(name), pin);
                programs.add(pin);
            }
            layout.removeProgramPinsExcept(programs);
            return;
        }
        Path staging = layout.staging();
        try {
            PinLayout.removeTree(staging);
            Files.createDirectories(staging.resolve("maps"));
            Files.createDirectories(staging.resolve("links"));
            Files.createDirectories(staging.resolve("programs"));
            for (MigrationPlan.MapStep s : plan.steps()) pinMap(s.map(), staging.resolve("maps").resolve(s.map()));
            for (int i = 0; i < links.size(); i++) {
                String name = LbObject.SOCKET_PROGRAMS.get(i);
                links.get(i).pin(staging.resolve("links").resolve(PinLayout.linkName(cgroupId, name)));
                BpfPins.pin(object.program(name), staging.resolve("programs").resolve(PinLayout.linkName(cgroupId, name)));
            }
            BpfPins.replace(staging, layout.root());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the layout " + layout.version() + " pins at " + staging, e);
        }
        // Committed: the links and maps are pinned in the new layout; what is left of the old one goes.
        try {
            PinLayout.removeTree(layout.sourceRoot());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "layout " + layout.version() + " is in place, but removing "
                    + layout.sourceRoot() + " failed (the next start removes it)", e);
        }
        LOG.log(System.Logger.Level.INFO, "upgraded pins from layout " + layout.sourceVersion() + " to " + layout.version()
                + ": " + plan.summary());
    }

    /**
     * The program {@code link} runs, held for switching back: from its pin (CAP_BPF is enough) when that is the one the
     * link runs, else by id, which needs CAP_SYS_ADMIN (pins of an agent that did not pin its programs).
     */
    private static KernelProgram runningProgram(BpfLink link, Path pin) {
        int id = link.info().programId();
        if (Files.exists(pin)) {
            KernelProgram p = KernelProgram.openPinned(pin);
            if (p.id() == id) return p;
            p.close(); // a pin left by an install that was rolled back: the link runs another program
        }
        try {
            return KernelProgram.openById(id);
        } catch (PermissionException e) {
            throw new IllegalStateException("the pinned link " + link + " runs program " + id + ", which is not pinned at " + pin
                    + ", and opening it by id needs CAP_SYS_ADMIN: run this start once with CAP_SYS_ADMIN, or --uninstall and"
                    + " start again (the datapath stops serving meanwhile)", e);
        }
    }

    /** Points {@code pin} at the object's program: pinned beside, then renamed over the old pin in one step. */
    private void replacePin(ProgramHandle program, Path pin) {
        Path fresh = pin.resolveSibling(pin.getFileName() + "-new");
        BpfPins.unpin(fresh);
        BpfPins.pin(program, fresh);
        BpfPins.replace(fresh, pin);
    }

    /** Points {@code pin} at the object's map: pinned beside, then renamed over the old pin in one step. */
    private void replacePin(String map, Path pin) {
        Path fresh = pin.resolveSibling(pin.getFileName() + "-new");
        BpfPins.unpin(fresh);
        pinMap(map, fresh);
        BpfPins.replace(fresh, pin);
    }

    private void rollBack(Throwable cause) {
        for (int i = switched.size() - 1; i >= 0; i--) {
            Switched s = switched.get(i);
            try {
                s.link().update(s.oldProgram());
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        for (BpfLink l : created) {
            try {
                if (l.pinPath().isPresent()) l.unpin(); // else it would outlive the failure
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        if (layout.upgrading()) {
            try {
                PinLayout.removeTree(layout.staging());
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        releaseOldPrograms();
        for (BpfLink l : links) l.close();
        object.close();
    }

    private void releaseOldPrograms() {
        for (Switched s : switched) s.oldProgram().close();
    }

    private void pinMap(String map, Path path) {
        BpfPins.pin(object.map(map), path);
    }
}
