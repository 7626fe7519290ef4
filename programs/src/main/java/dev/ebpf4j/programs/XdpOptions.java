package dev.ebpf4j.programs;

import java.util.Objects;
import java.util.Optional;

/**
 * How to attach an XDP program: mode, link or netlink, and which program to replace.
 *
 * <p>Without {@link #replacing(XdpProgram)} an attach never displaces another program: the link path fails with
 * {@code EBUSY}/{@code EEXIST} and the netlink path uses {@code XDP_FLAGS_UPDATE_IF_NOEXIST}. With it, the netlink
 * path swaps exactly that program ({@code XDP_FLAGS_REPLACE}), failing if another one is attached.
 *
 * @param mode     where the program runs
 * @param strategy link, netlink, or link with netlink fallback
 * @param replace  the program expected to be attached now, to replace it
 */
public record XdpOptions(XdpMode mode, AttachStrategy strategy, Optional<XdpProgram> replace) {
    public XdpOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(replace, "replace");
    }

    /** Auto mode, link with netlink fallback, no replace. */
    public static XdpOptions defaults() {
        return new XdpOptions(XdpMode.AUTO, AttachStrategy.AUTO, Optional.empty());
    }

    public XdpOptions mode(XdpMode newMode) {
        return new XdpOptions(newMode, strategy, replace);
    }

    public XdpOptions strategy(AttachStrategy newStrategy) {
        return new XdpOptions(mode, newStrategy, replace);
    }

    /** Replace {@code old}, which must be the program attached now (netlink only; a link is updated with {@link Link#update}). */
    public XdpOptions replacing(XdpProgram old) {
        return new XdpOptions(mode, AttachStrategy.NETLINK, Optional.of(old));
    }
}
