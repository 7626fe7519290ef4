package dev.ebpf4j.core;

/** A map update with the "exist" flag, or a delete, found no such key ({@code ENOENT}). */
public final class KeyNotFoundException extends BpfException {
    public KeyNotFoundException(String operation) {
        super(operation, Errno.ENOENT, "no such key", null);
    }
}
