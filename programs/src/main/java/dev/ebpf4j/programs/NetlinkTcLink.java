package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;
import dev.ebpf4j.programs.internal.NetnsHome;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cls_bpf filter (direct action) on a clsact qdisc, made through netlink. The clsact qdisc is created only when
 * missing, and is left in place on close even when we created it: other filters may have been added to it since, and
 * deleting a qdisc deletes them all. Close deletes our filter only if it still holds our program (checked by
 * priority, handle and program id just before the delete).
 */
public final class NetlinkTcLink implements Link {
    private final int ifindex;
    private final TcDirection direction;
    private final int priority, handle, programId;
    private final boolean createdQdisc;
    private final NetnsHome home;
    private boolean closed;

    private NetlinkTcLink(int ifindex, TcDirection direction, int priority, int handle, int programId,
                          boolean createdQdisc, NetnsHome home) {
        this.ifindex = ifindex;
        this.direction = direction;
        this.priority = priority;
        this.handle = handle;
        this.programId = programId;
        this.createdQdisc = createdQdisc;
        this.home = home;
    }

    static NetlinkTcLink attach(TcProgram program, int ifindex, TcDirection direction, int priority, int handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hook = hook(arena, ifindex, direction);
            int created = Calls.raw(() -> (int) LinkCalls.TC_HOOK_CREATE.invokeExact(hook));
            if (created < 0 && created != -Errno.EEXIST) throw BpfException.of("tc create clsact qdisc on ifindex " + ifindex, created);
            MemorySegment opts = opts(arena, handle, priority);
            opts.set(ValueLayout.JAVA_INT, 8, program.fd());
            int r = Calls.raw(() -> (int) LinkCalls.TC_ATTACH.invokeExact(hook, opts));
            if (r == -Errno.EEXIST) {
                throw BpfException.of("tc attach " + program.name(), r, "a filter with priority " + priority + " and handle "
                        + handle + " exists already; choose another or remove it");
            }
            if (r < 0) throw BpfException.of("tc attach " + program.name() + " to ifindex " + ifindex, r);
            return new NetlinkTcLink(ifindex, direction, opts.get(ValueLayout.JAVA_INT, 24),
                    opts.get(ValueLayout.JAVA_INT, 20), opts.get(ValueLayout.JAVA_INT, 16), created == 0, NetnsHome.current());
        }
    }

    private static MemorySegment hook(Arena arena, int ifindex, TcDirection direction) {
        MemorySegment hook = arena.allocate(24, 8);
        hook.set(ValueLayout.JAVA_LONG, 0, 24);
        hook.set(ValueLayout.JAVA_INT, 8, ifindex);
        hook.set(ValueLayout.JAVA_INT, 12, direction.tcAttachPoint());
        return hook;
    }

    private static MemorySegment opts(Arena arena, int handle, int priority) {
        MemorySegment opts = arena.allocate(32, 8);
        opts.set(ValueLayout.JAVA_LONG, 0, 32);
        opts.set(ValueLayout.JAVA_INT, 20, handle);
        opts.set(ValueLayout.JAVA_INT, 24, priority);
        return opts;
    }

    /** The filter priority (chosen by the kernel when the options left it 0). */
    public int priority() {
        return priority;
    }

    /** The filter handle. */
    public int handle() {
        return handle;
    }

    /** Whether this attach created the clsact qdisc (it is left in place on close either way). */
    public boolean createdQdisc() {
        return createdQdisc;
    }

    @Override
    public synchronized LinkInfo info() {
        checkOpen();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("ifindex", ifindex);
        d.put("direction", direction.name().toLowerCase());
        d.put("priority", priority);
        d.put("handle", Integer.toHexString(handle));
        return new LinkInfo(LinkType.NETLINK_TC, 0, programId, d);
    }

    @Override
    public void update(Program program) {
        throw NotSupportedException.missing("tc filter update", "atomic update of a netlink cls_bpf filter "
                + "(attach the new program at another priority, then close this one; tcx links support update)", null);
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
            home.run(this::detachIfOurs);
        } finally {
            home.close();
        }
    }

    private void detachIfOurs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hook = hook(arena, ifindex, direction);
            MemorySegment query = opts(arena, handle, priority);
            int r = Calls.raw(() -> (int) LinkCalls.TC_QUERY.invokeExact(hook, query));
            if (r == -Errno.ENOENT || r == -Errno.ENODEV || r == -Errno.EINVAL) return; // already gone
            if (r < 0) throw BpfException.of("tc query on ifindex " + ifindex, r);
            if (query.get(ValueLayout.JAVA_INT, 16) != programId) return; // replaced by someone else: theirs now
            MemorySegment detach = opts(arena, handle, priority);
            int d = Calls.raw(() -> (int) LinkCalls.TC_DETACH.invokeExact(hook, detach));
            if (d < 0 && d != -Errno.ENOENT) throw BpfException.of("tc detach from ifindex " + ifindex, d);
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("TC attachment is closed");
    }
}
