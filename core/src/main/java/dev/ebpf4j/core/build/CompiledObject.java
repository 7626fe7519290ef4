package dev.ebpf4j.core.build;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of {@link BpfBuilder#compile}: the object file, whether it came from the cache (clang not run),
 * clang's warnings, and the object's CO-RE relocations.
 */
public record CompiledObject(Path object, boolean cacheHit, List<Diagnostic> warnings, List<CoreRelocation> relocations) {}
