package dev.ebpf4j.core;

/** A kernel or libbpf failure with no more specific type; see {@link #errno()}. */
public final class SyscallException extends BpfException {
    public SyscallException(String operation, int errno, String hint) {
        super(operation, errno, hint, null);
    }
}
