package dev.ebpf4j.programs;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the kernel reports about an attachment ({@code BPF_OBJ_GET_INFO_BY_FD}), as {@code bpftool link show} prints
 * it: the link id, its type, the attached program's id and type-specific attach details such as {@code ifindex},
 * {@code attach_type}, {@code cgroup_id}, {@code tp_name}, {@code func}, {@code file} or {@code netns_ino}. Kernels
 * report details per link type from different versions (perf_event links from 6.6); older ones give none.
 *
 * @param type     link type
 * @param id       link id (0 for attachments that are not kernel links)
 * @param programId id of the attached program
 * @param details  attach details, in the order bpftool prints them
 */
public record LinkInfo(LinkType type, int id, int programId, Map<String, Object> details) {
    public LinkInfo {
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    /** One attach detail, or throws naming the ones present. */
    public Object detail(String key) {
        Object v = details.get(key);
        if (v == null) throw new IllegalArgumentException("no detail '" + key + "' in " + this);
        return v;
    }

    @Override
    public String toString() {
        String extra = details.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining("  "));
        return id + ": " + type.name().toLowerCase() + "  prog " + programId + (extra.isEmpty() ? "" : "  " + extra);
    }
}
