package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;
import dev.ebpf4j.programs.internal.Libc;
import dev.ebpf4j.programs.internal.NetnsHome;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * An XDP program attached through netlink. Detach and update name the program expected to be attached
 * ({@code XDP_FLAGS_REPLACE}), so a program someone else attached meanwhile is never removed: closing then only
 * releases our fds. The detach runs in the network namespace of the attach, whatever thread closes.
 */
public final class NetlinkXdpLink implements Link {
    private static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
    private final int ifindex;
    private final int modeFlags;
    private final NetnsHome home;
    private int progFd; // a dup: the attached program stays identifiable after its object closes
    private boolean closed;

    private NetlinkXdpLink(int ifindex, int modeFlags, int progFd, NetnsHome home) {
        this.ifindex = ifindex;
        this.modeFlags = modeFlags;
        this.progFd = progFd;
        this.home = home;
    }

    static NetlinkXdpLink attach(XdpProgram program, int ifindex, XdpOptions options) {
        int mode = options.mode().flag();
        int flags = options.replace().isPresent() ? mode : mode | XDP_FLAGS_UPDATE_IF_NOEXIST;
        int old = options.replace().map(Program::fd).orElse(0);
        int progFd = program.fd();
        netlinkAttach("xdp netlink attach " + program.name() + " to ifindex " + ifindex, ifindex, progFd, flags, old);
        NetnsHome home = NetnsHome.current();
        return new NetlinkXdpLink(ifindex, mode, Libc.dup(progFd, "dup program fd"), home);
    }

    private static void netlinkAttach(String operation, int ifindex, int progFd, int flags, int oldFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(16, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 16);
            opts.set(ValueLayout.JAVA_INT, 8, oldFd);
            int r = Calls.raw(() -> (int) LinkCalls.XDP_ATTACH.invokeExact(ifindex, progFd, flags, opts));
            if (r == -Errno.EBUSY || r == -Errno.EEXIST) {
                throw BpfException.of(operation, r, oldFd == 0 ? "another XDP program is attached; pass "
                        + "XdpOptions.replacing(program) to replace it" : "the attached program is not the one to replace");
            }
            if (r < 0) throw BpfException.of(operation, r);
        }
    }

    @Override
    public synchronized LinkInfo info() {
        checkOpen();
        return new LinkInfo(LinkType.NETLINK_XDP, 0, Program.programId(progFd),
                Map.of("ifindex", ifindex, "mode", modeName()));
    }

    private String modeName() {
        for (XdpMode m : XdpMode.values()) if (m.flag() == modeFlags) return m.name().toLowerCase();
        return "flags " + modeFlags;
    }

    @Override
    public synchronized void update(Program program) {
        checkOpen();
        if (!(program instanceof XdpProgram)) throw new IllegalArgumentException("an XDP attachment takes an XdpProgram");
        int newFd = program.fd();
        home.run(() -> netlinkAttach("xdp netlink update " + program.name(), ifindex, newFd, modeFlags, progFd));
        int old = progFd;
        progFd = Libc.dup(newFd, "dup program fd");
        Libc.close(old);
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            home.run(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment opts = arena.allocate(16, 8);
                    opts.set(ValueLayout.JAVA_LONG, 0, 16);
                    opts.set(ValueLayout.JAVA_INT, 8, progFd);
                    int r = Calls.raw(() -> (int) LinkCalls.XDP_DETACH.invokeExact(ifindex, modeFlags, opts));
                    // EEXIST: someone replaced our program, ENODEV: the interface is gone. Neither is ours to undo.
                    if (r < 0 && r != -Errno.EEXIST && r != -Errno.ENODEV && r != -Errno.ENOENT) {
                        throw BpfException.of("xdp netlink detach from ifindex " + ifindex, r);
                    }
                }
            });
        } finally {
            Libc.close(progFd);
            home.close();
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("XDP attachment is closed");
    }
}
