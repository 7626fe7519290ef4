package dev.ebpf4j.core.build;

import java.util.List;
import java.util.Map;

/**
 * What the generated object class calls each map and program: the SDK class for a kernel map type, and for a
 * program section (libbpf's {@code SEC()} names) the program class that attaches that kind. Kinds without a typed
 * class fall back to the byte-level {@code RawMap} and the plain {@code ProgramHandle}.
 */
final class ObjectClasses {
    static final String RAW_MAP = "dev.ebpf4j.maps.RawMap";

    private ObjectClasses() {}

    /** A typed map class and which of key and value it takes codecs for. */
    record MapKind(String javaClass, boolean keyed, boolean valued, String why) {}

    private static MapKind kv(String simpleName) {
        return new MapKind("dev.ebpf4j.maps." + simpleName, true, true, null);
    }

    private static MapKind valued(String simpleName) {
        return new MapKind("dev.ebpf4j.maps." + simpleName, false, true, null);
    }

    private static MapKind plain(String simpleName) {
        return new MapKind("dev.ebpf4j.maps." + simpleName, false, false, null);
    }

    // enum bpf_map_type numbers (uapi/linux/bpf.h)
    private static final Map<Integer, MapKind> MAPS = Map.ofEntries(
            Map.entry(1, kv("BpfHashMap")), Map.entry(2, valued("ArrayMap")), Map.entry(4, plain("PerfEventArray")),
            Map.entry(5, kv("PerCpuHashMap")), Map.entry(6, valued("PerCpuArrayMap")), Map.entry(9, kv("LruHashMap")),
            Map.entry(10, kv("LruPerCpuHashMap")), Map.entry(11, kv("LpmTrieMap")), Map.entry(14, valued("DevMap")),
            Map.entry(15, valued("SockMap")), Map.entry(16, valued("CpuMap")), Map.entry(17, valued("XskMap")),
            Map.entry(18, kv("SockHash")), Map.entry(22, valued("QueueMap")), Map.entry(23, valued("StackMap")),
            Map.entry(27, plain("RingBuffer")), Map.entry(30, valued("BloomFilterMap")));

    static MapKind mapKind(int type) {
        MapKind kind = MAPS.get(type);
        return kind != null ? kind : new MapKind(RAW_MAP, false, false,
                type == 0 ? "bytes, as its type is not declared in BTF" : "bytes (map type " + type + " has no typed view)");
    }

    private record Prefix(String section, String javaClass) {}

    // Longest first where one prefix starts another (raw_tp before tp would not matter, but kretprobe after kprobe does not either).
    private static final List<Prefix> PROGRAMS = List.of(
            new Prefix("xdp", "XdpProgram"), new Prefix("tcx/", "TcProgram"), new Prefix("tc", "TcProgram"),
            new Prefix("classifier", "TcProgram"), new Prefix("netkit/", "TcProgram"),
            new Prefix("tp/", "TracepointProgram"), new Prefix("tracepoint/", "TracepointProgram"),
            new Prefix("raw_tp", "RawTracepointProgram"), new Prefix("raw_tracepoint", "RawTracepointProgram"),
            new Prefix("socket", "SocketFilterProgram"), new Prefix("cgroup_skb/", "CgroupSkbProgram"),
            new Prefix("cgroup/connect", "CgroupSockAddrProgram"), new Prefix("cgroup/sendmsg", "CgroupSockAddrProgram"),
            new Prefix("cgroup/recvmsg", "CgroupSockAddrProgram"), new Prefix("cgroup/getpeername", "CgroupSockAddrProgram"),
            new Prefix("cgroup/getsockname", "CgroupSockAddrProgram"), new Prefix("cgroup/bind", "CgroupSockAddrProgram"),
            new Prefix("sockops", "SockOpsProgram"), new Prefix("sk_msg", "SkMsgProgram"), new Prefix("sk_skb", "SkSkbProgram"),
            new Prefix("sk_lookup", "SkLookupProgram"), new Prefix("kprobe", "KprobeProgram"),
            new Prefix("kretprobe", "KprobeProgram"), new Prefix("fentry/", "FentryProgram"),
            new Prefix("fexit/", "FentryProgram"), new Prefix("uprobe", "UprobeProgram"),
            new Prefix("uretprobe", "UprobeProgram"), new Prefix("iter/", "IterProgram"),
            new Prefix("netfilter", "NetfilterProgram"));

    static String programClass(String section) {
        for (Prefix p : PROGRAMS) {
            if (section.startsWith(p.section())) return "dev.ebpf4j.programs." + p.javaClass();
        }
        return ObjectClassWriter.HANDLE;
    }

    /** {@code xdp_counter.bpf.o} -> {@code XdpCounterObject}. */
    static String className(String objectName) {
        String base = objectName.replaceFirst("\\.bpf\\.o$|\\.o$", "");
        return JavaNames.type(base.replace('-', '_').replace('.', '_')) + "Object";
    }
}
