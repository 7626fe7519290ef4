package dev.ebpf4j.core;

/** An object file or BTF blob that libbpf could not parse: not an ELF BPF object, truncated, or corrupt. */
public final class ObjectFormatException extends BpfException {
    public ObjectFormatException(String operation, int errno, String hint) {
        super(operation, errno, hint, null);
    }
}
