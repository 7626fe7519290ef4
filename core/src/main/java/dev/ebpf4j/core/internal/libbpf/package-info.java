/**
 * Hand-written FFM bindings to the bundled libbpf 1.4, in jextract's shape (one static {@code MethodHandle} per
 * function, one layout per struct). Internal: exported only to ebpf4j's own modules.
 *
 * {@snippet class="dev.ebpf4j.core.internal.libbpf.PackageSnippets" region="example"}
 *
 * <p>{@code scripts/jextract-bindings.sh} regenerates jextract output for comparison where jextract is installed.
 */
package dev.ebpf4j.core.internal.libbpf;
