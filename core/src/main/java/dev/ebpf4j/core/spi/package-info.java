/**
 * Service-provider hooks: where libbpf comes from.
 *
 * {@snippet :
 * // META-INF/services/dev.ebpf4j.core.spi.LibbpfLocator names this class
 * public final class DistroLibbpf implements LibbpfLocator {
 *     public Optional<Path> locate() {
 *         return Optional.of(Path.of("/usr/lib/x86_64-linux-gnu/libbpf.so.1"));
 *     }
 * }
 * }
 */
package dev.ebpf4j.core.spi;
