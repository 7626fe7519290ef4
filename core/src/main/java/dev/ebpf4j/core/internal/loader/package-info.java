/**
 * Finding and loading libbpf: explicit overrides, service-loaded locators, then the copy bundled in the jar,
 * extracted once into a directory named after its content hash.
 *
 * {@snippet :
 * LoadedLibrary lib = NativeLibrary.get();   // loads on first call, never at class load
 * }
 */
package dev.ebpf4j.core.internal.loader;
