package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.XdpMode;
import dev.ebpf4j.programs.XdpProgram;

/** Attaches the NodePort XDP program ({@link LbObject#NODE_PORT_XDP}) as a {@link NodePortAcceleration} asks. */
public final class NodePortXdp {
    private static final System.Logger LOG = System.getLogger(NodePortXdp.class.getName());

    private NodePortXdp() {
    }

    /**
     * Attaches to {@code ifname} of the calling thread's network namespace: in the driver for
     * {@link NodePortAcceleration#XDP_NATIVE}, in generic mode where the driver refuses that (or for
     * {@link NodePortAcceleration#XDP_GENERIC}).
     *
     * @throws IllegalArgumentException for {@link NodePortAcceleration#NONE}
     * @throws IllegalStateException    when the object was loaded without the XDP program
     */
    public static Link attach(BpfObject object, String ifname, NodePortAcceleration acceleration) {
        if (!acceleration.xdp()) throw new IllegalArgumentException("no XDP program to attach for acceleration NONE");
        if (!object.program(LbObject.NODE_PORT_XDP).isLoaded()) {
            throw new IllegalStateException("loaded without " + LbObject.NODE_PORT_XDP
                    + ": use an LbConfig with a NodePort acceleration");
        }
        XdpProgram xdp = XdpProgram.of(object.program(LbObject.NODE_PORT_XDP));
        if (acceleration == NodePortAcceleration.XDP_NATIVE) {
            try {
                return xdp.attach(ifname, XdpMode.NATIVE);
            } catch (BpfException e) {
                // A driver without XDP support answers EOPNOTSUPP (or EINVAL on older kernels): generic still works.
                LOG.log(System.Logger.Level.WARNING, "native XDP refused on " + ifname + " (" + e.getMessage()
                        + "): NodePort acceleration runs in generic mode there");
            }
        }
        return xdp.attach(ifname, XdpMode.GENERIC);
    }
}
