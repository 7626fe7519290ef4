/**
 * Hand-written FFM bindings to the bundled libbpf 1.4, in jextract's shape (one static {@code MethodHandle} per
 * function, one layout per struct). Internal: exported only to ebpf4j's own modules.
 *
 * {@snippet :
 * int err = (int) ObjectCalls.LOAD.invokeExact(object);   // libbpf returns -errno
 * if (err < 0) throw BpfException.of("object load", err);
 * }
 *
 * <p>{@code scripts/jextract-bindings.sh} regenerates jextract output for comparison where jextract is installed.
 */
package dev.ebpf4j.core.internal.libbpf;
