/**
 * The CO-RE object builder: compiles BPF C with clang against a {@code vmlinux.h} generated from kernel BTF and the
 * bundled libbpf headers, caches objects by content, reports clang errors with file and line, and lists each
 * object's CO-RE relocations. The Maven plugin {@code ebpf4j-maven-plugin} runs it during a build.
 *
 * {@snippet class="dev.ebpf4j.core.build.PackageSnippets" region="example"}
 *
 * <p>Requirements: clang 14 or newer on PATH (Debian: {@code apt-get install clang}); kernel BTF or a BTF file.
 */
package dev.ebpf4j.core.build;
