/**
 * The class the ebpf4j Maven plugin generates for {@code src/main/bpf/protocol_stats.bpf.c}
 * ({@code ProtocolStatsObject}, with the records {@code ProtocolKey} and {@code ProtocolStats}): typed accessors for
 * the object's maps and programs.
 *
 * {@snippet class="dev.ebpf4j.samples.generated.PackageSnippets" region="example"}
 *
 * <p>Requirements: root (CAP_BPF) to load the object.
 */
package dev.ebpf4j.samples.generated;
