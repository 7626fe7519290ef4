package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.internal.Interfaces;
import dev.ebpf4j.programs.AttachStrategy;
import dev.ebpf4j.programs.BpfLink;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcOptions;
import dev.ebpf4j.programs.TcProgram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The policy programs' tcx links on pod interfaces: {@code policy_from_pod} on ingress (packets the pod sends),
 * {@code policy_to_pod} on egress (packets to the pod). With pins, a link pinned by an earlier process on the same
 * interface is switched to the new program with an atomic link update, so a restart never leaves a pod unguarded.
 * Runs on the enforcer's thread (interface indexes are those of its namespace). Not thread-safe.
 */
final class PodLinks implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PodLinks.class.getName());
    private static final TcOptions TCX = TcOptions.defaults().strategy(AttachStrategy.LINK);

    private record Attached(int ifindex, BpfLink ingress, BpfLink egress) {
    }

    private final TcProgram fromPod;
    private final TcProgram toPod;
    private final PolicyPins pins;
    private final Map<String, Attached> byInterface = new TreeMap<>();
    private int adopted;
    private int created;

    PodLinks(TcProgram fromPod, TcProgram toPod, PolicyPins pins) {
        this.fromPod = fromPod;
        this.toPod = toPod;
        this.pins = pins;
    }

    /**
     * Attaches to every interface of {@code wanted} that exists and is not attached yet (again after it was
     * re-created), detaches from the others, and removes link pins of interfaces no longer guarded.
     *
     * @return the interfaces guarded now
     */
    Set<String> reconcile(Set<String> wanted) {
        for (String name : List.copyOf(byInterface.keySet())) {
            if (!wanted.contains(name) || Interfaces.index(name) != byInterface.get(name).ifindex()) {
                detach(name);
            }
        }
        for (String name : wanted) {
            if (byInterface.containsKey(name)) continue;
            int index = Interfaces.index(name);
            if (index == 0) {
                LOG.log(System.Logger.Level.WARNING, "pod interface " + name + " does not exist; not enforcing on it yet");
                continue;
            }
            try {
                BpfLink in = link(name, index, "ingress", fromPod, TcDirection.INGRESS);
                BpfLink out;
                try {
                    out = link(name, index, "egress", toPod, TcDirection.EGRESS);
                } catch (RuntimeException e) {
                    release(in);
                    throw e;
                }
                byInterface.put(name, new Attached(index, in, out));
            } catch (RuntimeException e) {
                // Gone between the lookup and the attach (a pod being deleted), or not a device tcx takes.
                LOG.log(System.Logger.Level.WARNING, "cannot attach the policy programs to " + name + ": " + e.getMessage());
            }
        }
        if (pins != null) removeStalePins();
        return Set.copyOf(byInterface.keySet());
    }

    private BpfLink link(String name, int index, String direction, TcProgram program, TcDirection hook) {
        Path pin = pins == null ? null : pins.linkPin(name, direction);
        if (pin != null && Files.exists(pin)) {
            BpfLink old = Link.openPinned(pin);
            Object linked = old.info().detail("ifindex");
            if (linked instanceof Number n && n.intValue() == index) {
                try {
                    old.update(program);
                    adopted++;
                    return old;
                } catch (RuntimeException e) {
                    old.close();
                    throw e;
                }
            }
            // An earlier interface of the same name (the pod was re-created): that link is defunct.
            old.unpin();
            old.close();
        }
        Link link = program.attach(index, hook, TCX);
        if (!(link instanceof BpfLink bpf)) {
            link.close();
            throw new IllegalStateException("the kernel attached " + program.name() + " without a bpf_link; needs tcx (Linux 6.6+)");
        }
        if (pin != null) {
            try {
                bpf.pin(pin);
            } catch (RuntimeException e) {
                bpf.close();
                throw e;
            }
        }
        created++;
        return bpf;
    }

    private void detach(String name) {
        Attached a = byInterface.remove(name);
        release(a.ingress());
        release(a.egress());
    }

    private static void release(BpfLink link) {
        if (link.pinPath().isPresent()) link.unpin();
        link.close();
    }

    private void removeStalePins() {
        Set<Path> keep = new HashSet<>();
        byInterface.values().forEach(a -> {
            a.ingress().pinPath().ifPresent(keep::add);
            a.egress().pinPath().ifPresent(keep::add);
        });
        for (Path p : pins.linkPins()) {
            if (!keep.contains(p)) {
                try {
                    Files.deleteIfExists(p);   // the link detaches once no fd holds it
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove stale link pin " + p, e);
                }
            }
        }
    }

    /** @return guarded interface to its index */
    Map<String, Integer> interfaces() {
        Map<String, Integer> out = new TreeMap<>();
        byInterface.forEach((k, v) -> out.put(k, v.ifindex()));
        return out;
    }

    int adopted() {
        return adopted;
    }

    int created() {
        return created;
    }

    /** Detaches everything, pinned or not. */
    void detachAll() {
        new ArrayList<>(byInterface.keySet()).forEach(this::detach);
    }

    /** Closes this process's fds; pinned links stay attached. */
    @Override
    public void close() {
        byInterface.values().forEach(a -> {
            a.ingress().close();
            a.egress().close();
        });
        byInterface.clear();
    }
}
