/**
 * The CO-RE object builder: compiles BPF C against a {@code vmlinux.h} made from kernel BTF.
 */
package dev.ebpf4j.core.build;
