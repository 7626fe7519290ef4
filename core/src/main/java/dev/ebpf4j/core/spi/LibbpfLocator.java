package dev.ebpf4j.core.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A hook that tells ebpf4j where to find libbpf, consulted through {@link java.util.ServiceLoader}
 * after the explicit overrides (system property {@code ebpf4j.libbpf.path}, environment variable
 * {@code EBPF4J_LIBBPF_PATH}) and before the copy bundled in the core jar.
 *
 * <p>Use it when an application ships its own libbpf build, for example a distribution package
 * that must use the system library. The returned library must be libbpf 1.4 or newer.
 *
 * @implSpec Implementations must be cheap and must not load native code themselves.
 */
public interface LibbpfLocator {

    /** The libbpf shared object to load, or empty to let the next place be tried. */
    Optional<Path> locate();

    /** A short name shown in diagnostics, for example {@code "distro libbpf"}. */
    default String description() {
        return getClass().getName();
    }
}
