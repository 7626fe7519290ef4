package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.programs.internal.Libc;
import dev.ebpf4j.programs.internal.Rtnetlink;
import dev.ebpf4j.programs.internal.Rtnetlink.Attributes;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A netkit device pair (Linux 6.7+, CONFIG_NETKIT), the BPF-programmable veth replacement: a primary device, usually
 * in the host namespace, and its peer, usually in a container's namespace. Programs attach with
 * {@link TcProgram#attachNetkit(NetkitDevice, NetkitDevice.Side)} and run on what each side transmits; the device's
 * default policy applies when no program is attached. Created through rtnetlink in the calling thread's network
 * namespace; {@link #close()} deletes the pair (deleting either side deletes both).
 *
 * {@snippet class="dev.ebpf4j.programs.PackageSnippets" region="netkit"}
 */
public final class NetkitDevice implements AutoCloseable {
    private static final int IFLA_IFNAME = 3, IFLA_LINKINFO = 18, IFLA_NET_NS_FD = 28, IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2;
    private static final int IFLA_NETKIT_PEER_INFO = 1, IFLA_NETKIT_POLICY = 3, IFLA_NETKIT_PEER_POLICY = 4, IFLA_NETKIT_MODE = 5;

    /** Which side's programs: the primary's run on what the primary transmits, the peer's on what the peer transmits. */
    public enum Side {
        PRIMARY, PEER
    }

    /** L3 (no link-layer header, {@code skb->data} is the IP header) or L2 (Ethernet, with ARP). */
    public enum Mode {
        L2, L3
    }

    /** What a side does with a packet when it has no program: forward it or drop it. */
    public enum Policy {
        FORWARD(0), DROP(2);

        private final int value;

        Policy(int value) {
            this.value = value;
        }
    }

    private final Rtnetlink netlink;
    private final String name, peerName;
    private final int ifindex;
    private boolean closed;

    private NetkitDevice(Rtnetlink netlink, String name, String peerName, int ifindex) {
        this.netlink = netlink;
        this.name = name;
        this.peerName = peerName;
        this.ifindex = ifindex;
    }

    /** Creates {@code name} and its peer {@code peerName} in the calling thread's namespace, both forwarding by default. */
    public static NetkitDevice create(String name, String peerName, Mode mode) {
        return create(name, peerName, mode, Policy.FORWARD, Policy.FORWARD, Optional.empty());
    }

    /**
     * Creates the pair with the given default policies; the peer goes into the network namespace file
     * {@code peerNamespace} (such as {@code /run/netns/NAME}) when given, else stays beside the primary.
     *
     * @throws NotSupportedException when the kernel has no netkit devices
     */
    public static NetkitDevice create(String name, String peerName, Mode mode, Policy primaryPolicy, Policy peerPolicy,
                                      Optional<Path> peerNamespace) {
        checkName(name);
        checkName(peerName);
        Rtnetlink netlink = Rtnetlink.open();
        int nsFd = peerNamespace.map(p -> Libc.open(p.toString(), "open network namespace")).orElse(-1);
        try {
            Attributes peer = Attributes.ifinfo(0).string(IFLA_IFNAME, peerName);
            if (nsFd >= 0) peer.u32(IFLA_NET_NS_FD, nsFd);
            Attributes data = Attributes.empty().bytes(IFLA_NETKIT_PEER_INFO, peer.toByteArray())
                    .u32(IFLA_NETKIT_MODE, mode.ordinal()).u32(IFLA_NETKIT_POLICY, primaryPolicy.value)
                    .u32(IFLA_NETKIT_PEER_POLICY, peerPolicy.value);
            Attributes request = Attributes.ifinfo(0).string(IFLA_IFNAME, name)
                    .nested(IFLA_LINKINFO, Attributes.empty().string(IFLA_INFO_KIND, "netkit").nested(IFLA_INFO_DATA, data));
            String operation = "create netkit pair " + name + "/" + peerName;
            try {
                netlink.request(operation, Rtnetlink.RTM_NEWLINK, Rtnetlink.NLM_F_CREATE | Rtnetlink.NLM_F_EXCL,
                        request.toByteArray());
            } catch (BpfException e) {
                if (e.errno() == Errno.EOPNOTSUPP) throw NotSupportedException.missing(operation, "netkit devices (CONFIG_NETKIT)", "6.7");
                throw e;
            }
            return new NetkitDevice(netlink, name, peerName, Libc.ifindex(name));
        } catch (RuntimeException e) {
            netlink.close();
            throw e;
        } finally {
            Libc.close(nsFd);
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.length() > 15 || name.contains("/") || name.isBlank()) {
            throw new IllegalArgumentException("interface name '" + name + "' must be 1 to 15 characters without '/' or spaces");
        }
    }

    /** The primary device's name. */
    public String name() {
        return name;
    }

    /** The peer device's name. */
    public String peerName() {
        return peerName;
    }

    /** The primary device's index (in the namespace it was created in): the target of both sides' links. */
    public int ifindex() {
        return ifindex;
    }

    /** Deletes the pair; idempotent. Links attached to it are detached by the kernel. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            netlink.request("delete netkit " + name, Rtnetlink.RTM_DELLINK, 0, Attributes.ifinfo(ifindex).toByteArray());
        } catch (BpfException e) {
            if (e.errno() != Errno.ENODEV) throw e; // already gone, with its namespace
        } finally {
            netlink.close();
        }
    }

    @Override
    public String toString() {
        return "NetkitDevice[" + name + " (ifindex " + ifindex + ") / " + peerName + "]";
    }
}
