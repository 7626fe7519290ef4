package dev.ebpf4j.core.internal.loader;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;

/** A libbpf that was found and loaded: where it came from and how to find its symbols. */
public record LoadedLibrary(Path path, String origin, String packageVersion, String sha256, SymbolLookup symbols) {}
