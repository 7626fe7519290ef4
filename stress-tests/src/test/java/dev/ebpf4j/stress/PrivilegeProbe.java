package dev.ebpf4j.stress;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.PermissionException;
import dev.ebpf4j.maps.ArrayMap;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.LpmTrieMap;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.Prefix;
import dev.ebpf4j.maps.QueueMap;
import dev.ebpf4j.maps.RingBuffer;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.AttachStrategy;
import dev.ebpf4j.programs.CgroupSockAddrProgram;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcOptions;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TracepointProgram;
import dev.ebpf4j.programs.XdpMode;
import dev.ebpf4j.programs.XdpOptions;
import dev.ebpf4j.programs.XdpProgram;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Child JVM of {@link PrivilegeIT}: tries entry points and prints one {@code RESULT|entry|outcome|missing|message}
 * line each. {@code load}: loads and map creates with whatever capabilities the process was started with (capsh
 * dropped some). {@code attach CGROUP CAP...}: loads with full capabilities, then drops the named capabilities from
 * this thread's effective set (capabilities are per thread, and every syscall below runs on this thread) and attaches.
 */
public final class PrivilegeProbe {
    interface Entry {
        AutoCloseable run() throws Exception;
    }

    public static void main(String[] args) throws Throwable {
        Map<String, Entry> entries = new LinkedHashMap<>();
        if (args[0].equals("load")) {
            entries.put("load XDP object", () -> BpfObjects.open(BpfObjects.XDP_COUNTER).load());
            entries.put("load TC program", () -> Stress.openOnly("st_tc").load());
            entries.put("load cgroup program", () -> Stress.openOnly("st_connect4").load());
            entries.put("load tracepoint program", () -> Stress.openOnly("st_tp").load());
            entries.put("create HASH", () -> BpfHashMap.create("e4jst_priv", 4, Codec.s32(), Codec.s64()));
            entries.put("create ARRAY", () -> ArrayMap.create("e4jst_priv", 4, Codec.s64()));
            entries.put("create PERCPU_ARRAY", () -> PerCpuArrayMap.create("e4jst_priv", 4, Codec.s64()));
            entries.put("create LPM_TRIE", () -> LpmTrieMap.create("e4jst_priv", 4, Prefix.ipv4Codec(), Codec.s32()));
            entries.put("create QUEUE", () -> QueueMap.create("e4jst_priv", 4, Codec.s64()));
            entries.put("create RINGBUF", () -> RingBuffer.create("e4jst_priv", 4096));
            entries.put("create SOCKMAP", () -> dev.ebpf4j.maps.SockMap.create("e4jst_priv", 4, Codec.s64()));
            entries.put("create DEVMAP", () -> dev.ebpf4j.maps.DevMap.create("e4jst_priv", 4, Codec.s32()));
            for (Map.Entry<String, Entry> e : entries.entrySet()) report(e.getKey(), e.getValue());
            return;
        }
        Path cgroup = Path.of(args[1]);
        long drop = 0;
        for (int i = 2; i < args.length; i++) drop |= 1L << bit(args[i]);
        try (BpfObject xdp = Stress.openOnly("st_xdp").load(); BpfObject tc = Stress.openOnly("st_tc").load();
             BpfObject cg = Stress.openOnly("st_connect4").load(); BpfObject tp = Stress.openOnly("st_tp").load()) {
            dropEffective(drop);
            report("attach XDP link", () -> XdpProgram.of(xdp.program("st_xdp"))
                    .attach("vl", new XdpOptions(XdpMode.GENERIC, AttachStrategy.LINK, Optional.empty())));
            report("attach XDP netlink", () -> XdpProgram.of(xdp.program("st_xdp"))
                    .attach("vl", new XdpOptions(XdpMode.GENERIC, AttachStrategy.NETLINK, Optional.empty())));
            report("attach tcx", () -> TcProgram.of(tc.program("st_tc"))
                    .attach("vl", TcDirection.INGRESS, TcOptions.defaults().strategy(AttachStrategy.LINK)));
            report("attach TC netlink", () -> TcProgram.of(tc.program("st_tc"))
                    .attach("vl", TcDirection.INGRESS, TcOptions.defaults().strategy(AttachStrategy.NETLINK)));
            report("attach cgroup connect4", () -> CgroupSockAddrProgram.of(cg.program("st_connect4")).attach(cgroup));
            report("attach tracepoint", () -> TracepointProgram.of(tp.program("st_tp")).attach());
        }
    }

    private static void report(String entry, Entry e) {
        String line;
        try (AutoCloseable made = e.run()) {
            line = "ok||";
        } catch (PermissionException p) {
            line = "PermissionException|" + p.missing() + "|" + p.getMessage();
        } catch (Throwable t) {
            line = t.getClass().getSimpleName() + "||" + t.getMessage();
        }
        System.out.println("RESULT|" + entry + "|" + line.replace('\n', ' '));
    }

    private static int bit(String cap) {
        return switch (cap) {
            case "CAP_NET_ADMIN" -> 12;
            case "CAP_SYS_ADMIN" -> 21;
            case "CAP_PERFMON" -> 38;
            case "CAP_BPF" -> 39;
            default -> throw new IllegalArgumentException(cap);
        };
    }

    /** Clears capabilities from this thread's effective set with capget/capset (version 3: two 32-bit words). */
    private static void dropEffective(long mask) throws Throwable {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
        MethodHandle capget = linker.downcallHandle(linker.defaultLookup().find("capget").orElseThrow(), fd);
        MethodHandle capset = linker.downcallHandle(linker.defaultLookup().find("capset").orElseThrow(), fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(8, 4);
            header.set(ValueLayout.JAVA_INT, 0, 0x20080522);
            MemorySegment data = arena.allocate(24, 4);
            if ((int) capget.invokeExact(header, data) != 0) throw new IllegalStateException("capget failed");
            for (int word = 0; word < 2; word++) {
                int effective = data.get(ValueLayout.JAVA_INT, word * 12L);
                data.set(ValueLayout.JAVA_INT, word * 12L, effective & ~(int) (mask >>> (32 * word)));
            }
            if ((int) capset.invokeExact(header, data) != 0) throw new IllegalStateException("capset failed");
        }
    }
}
