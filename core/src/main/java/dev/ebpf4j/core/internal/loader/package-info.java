/**
 * Finding and loading libbpf: explicit overrides, service-loaded locators, then the copy bundled in the jar,
 * extracted once into a directory named after its content hash.
 *
 * {@snippet class="dev.ebpf4j.core.internal.loader.PackageSnippets" region="example"}
 */
package dev.ebpf4j.core.internal.loader;
