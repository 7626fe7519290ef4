package dev.ebpf4j.core.inspect;

import dev.ebpf4j.core.MapType;

/**
 * What the kernel reports about a map ({@code struct bpf_map_info}).
 *
 * @param id         map id
 * @param type       map type ({@link MapType#UNSPEC} for a type this SDK does not know)
 * @param name       kernel name (at most 15 characters)
 * @param keySize    key size in bytes
 * @param valueSize  value size in bytes (per CPU, for per-CPU maps)
 * @param maxEntries max entries
 * @param flags      the {@code BPF_F_*} map flags
 */
public record MapInfo(int id, MapType type, String name, int keySize, int valueSize, int maxEntries, int flags) {
}
