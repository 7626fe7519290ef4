package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes {@code struct bpf_link_info} (uapi/linux/bpf.h): {@code type, id, prog_id} then a union at offset 16.
 * Names are fetched with a second call that hands the kernel a buffer, as bpftool does.
 */
final class LinkInfoReader {
    private static final int SIZE = 128, NAME = 512;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final String[] PERF_EVENT_TYPES = {"unspec", "uprobe", "uretprobe", "kprobe", "kretprobe", "tracepoint", "event"};

    private LinkInfoReader() {}

    static LinkInfo read(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = query(arena, fd, null);
            LinkType type = LinkType.ofKernel(info.get(U32, 0));
            MemorySegment name = arena.allocate(NAME);
            if (type == LinkType.RAW_TRACEPOINT) {
                info = query(arena, fd, i -> { i.set(U64, 16, name.address()); i.set(U32, 24, NAME); });
            } else if (type == LinkType.PERF_EVENT && info.get(U32, 16) != 0) { // kind 0: kernel before 6.6, no details
                info = query(arena, fd, i -> { i.set(U64, 24, name.address()); i.set(U32, 32, NAME); });
            }
            Map<String, Object> d = new LinkedHashMap<>();
            switch (type) {
                case RAW_TRACEPOINT -> d.put("tp_name", name.getString(0));
                case TRACING -> {
                    d.put("attach_type", attachType(info.get(U32, 16)));
                    d.put("target_obj_id", info.get(U32, 20));
                    d.put("target_btf_id", info.get(U32, 24));
                }
                case CGROUP -> {
                    d.put("cgroup_id", info.get(U64, 16));
                    d.put("attach_type", attachType(info.get(U32, 24)));
                }
                case NETNS -> {
                    d.put("netns_ino", Integer.toUnsignedLong(info.get(U32, 16)));
                    d.put("attach_type", attachType(info.get(U32, 20)));
                }
                case XDP -> d.put("ifindex", info.get(U32, 16));
                case TCX, NETKIT -> {
                    d.put("ifindex", info.get(U32, 16));
                    d.put("attach_type", attachType(info.get(U32, 20)));
                }
                case SOCKMAP -> {
                    d.put("map_id", info.get(U32, 16));
                    d.put("attach_type", attachType(info.get(U32, 20)));
                }
                case KPROBE_MULTI -> {
                    d.put("func_cnt", info.get(U32, 24));
                    d.put("missed", info.get(U64, 32));
                }
                case PERF_EVENT -> perfEvent(info, name, d);
                default -> { }
            }
            return new LinkInfo(type, info.get(U32, 4), info.get(U32, 8), d);
        }
    }

    private static void perfEvent(MemorySegment info, MemorySegment name, Map<String, Object> d) {
        int kind = info.get(U32, 16);
        if (kind == 0) return;
        String kindName = kind >= 0 && kind < PERF_EVENT_TYPES.length ? PERF_EVENT_TYPES[kind] : "type " + kind;
        d.put("event_type", kindName);
        switch (kindName) {
            case "uprobe", "uretprobe" -> {
                d.put("file", name.getString(0));
                d.put("offset", Integer.toUnsignedLong(info.get(U32, 36)));
            }
            case "kprobe", "kretprobe" -> {
                d.put("func", name.getString(0));
                d.put("offset", Integer.toUnsignedLong(info.get(U32, 36)));
            }
            case "tracepoint" -> d.put("tp_name", name.getString(0));
            default -> { }
        }
    }

    private static Object attachType(int value) {
        try {
            return AttachType.of(value);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    private static MemorySegment query(Arena arena, int fd, java.util.function.Consumer<MemorySegment> prepare) {
        MemorySegment info = arena.allocate(SIZE, 8);
        if (prepare != null) prepare.accept(info);
        MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, SIZE);
        Calls.check("link info", () -> (int) LinkCalls.OBJ_GET_INFO.invokeExact(fd, info, len));
        return info;
    }
}
