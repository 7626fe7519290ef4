package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.k8s.lb.NodePortAcceleration;
import dev.ebpf4j.k8s.lb.NodePortXdp;
import dev.ebpf4j.programs.BpfLink;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.Program;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.XdpProgram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The NodePort programs' tcx links on the node's devices (and with a {@link NodePortAcceleration} the XDP program's
 * link, {@code xdp-DEVICE}), pinned under {@code PIN_DIR/nodeport/links/} so that they
 * outlive the agent like the socket links. A pinned link of an earlier run is switched to the new program (atomic link
 * update); a pin that no longer works (its device was recreated) is replaced; pins of devices no longer configured
 * are removed, which detaches them. The links are not part of the versioned map layout: they refer to programs only.
 */
final class NodePortLinks {
    private static final System.Logger LOG = System.getLogger(NodePortLinks.class.getName());

    private NodePortLinks() {
    }

    /** The pin directory of the links. */
    static Path dir(Path pinDir) {
        return pinDir.resolve("nodeport").resolve("links");
    }

    /**
     * Attaches (or re-adopts) ingress and egress on each device of the calling thread's network namespace, and XDP as
     * {@code acceleration} asks (a pinned XDP link of an earlier run without acceleration is removed like any other).
     *
     * @return the links, which the caller closes (they stay attached through their pins)
     * @throws IllegalArgumentException when a device does not exist
     */
    static List<BpfLink> attach(BpfObject object, Path pinDir, List<String> devices, NodePortAcceleration acceleration) {
        Path dir = dir(pinDir);
        List<BpfLink> links = new ArrayList<>();
        Set<Path> wanted = new HashSet<>();
        try {
            Files.createDirectories(dir);
            for (String device : devices) {
                for (TcDirection direction : List.of(TcDirection.INGRESS, TcDirection.EGRESS)) {
                    String program = direction == TcDirection.INGRESS ? LbObject.NODE_PORT_INGRESS : LbObject.NODE_PORT_REPLY;
                    Path pin = dir.resolve("tcx-" + device + "-" + direction.name().toLowerCase());
                    wanted.add(pin);
                    links.add(adoptOrAttach(TcProgram.of(object.program(program)), device, direction, pin));
                }
                if (acceleration.xdp()) {
                    Path pin = dir.resolve("xdp-" + device);
                    wanted.add(pin);
                    links.add(adoptOrAttachXdp(object, device, acceleration, pin));
                }
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    if (!wanted.contains(p)) {
                        LOG.log(System.Logger.Level.INFO, "detaching " + p + ": its device is no longer configured");
                        Files.deleteIfExists(p);
                    }
                }
            }
            return links;
        } catch (IOException e) {
            links.forEach(BpfLink::close);
            throw new UncheckedIOException("cannot pin the NodePort links under " + dir, e);
        } catch (RuntimeException e) {
            links.forEach(BpfLink::close);
            throw e;
        }
    }

    /* Like adoptOrAttach; a pinned link keeps the mode it was attached in (switching native/generic needs a new pin). */
    private static BpfLink adoptOrAttachXdp(BpfObject object, String device, NodePortAcceleration acceleration, Path pin)
            throws IOException {
        XdpProgram program = XdpProgram.of(object.program(LbObject.NODE_PORT_XDP));
        BpfLink adopted = adopt(program, pin, device);
        return adopted != null ? adopted : pinned(NodePortXdp.attach(object, device, acceleration), pin,
                "the kernel attached XDP on " + device + " without a bpf_link (kernel 5.9+ needed for pinned NodePort links)");
    }

    private static BpfLink adoptOrAttach(TcProgram program, String device, TcDirection direction, Path pin) throws IOException {
        BpfLink adopted = adopt(program, pin, device);
        return adopted != null ? adopted : pinned(program.attach(device, direction), pin, "the kernel attached " + device
                + " " + direction + " without a tcx link (kernel 6.6+ needed for pinned NodePort links)");
    }

    /**
     * The pinned link at {@code pin} switched to {@code program}, or null when there is none (or it would not switch
     * and was removed) and {@code device} exists, so that the caller attaches anew.
     */
    private static BpfLink adopt(Program program, Path pin, String device) throws IOException {
        if (Files.exists(pin)) {
            BpfLink old = Link.openPinned(pin);
            try {
                old.update(program);
                return old;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "replacing " + pin + ": " + e.getMessage());
                old.close();
                Files.deleteIfExists(pin);
            }
        }
        // Not /sys/class/net: sysfs shows the namespace it was mounted in, not the caller's.
        if (java.net.NetworkInterface.getByName(device) == null) {
            throw new IllegalArgumentException("NodePort device " + device + " does not exist in this network namespace");
        }
        return null;
    }

    /** Pins a new link, which must be a bpf_link: a netlink attachment cannot be pinned (then it is detached). */
    private static BpfLink pinned(Link link, Path pin, String notBpfLink) {
        if (!(link instanceof BpfLink bpf)) {
            link.close();
            throw new IllegalStateException(notBpfLink);
        }
        bpf.pin(pin);
        return bpf;
    }
}
