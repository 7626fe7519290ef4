package dev.ebpf4j.core;

/** A map update with the "no-exist" flag found the key already present ({@code EEXIST}). */
public final class KeyExistsException extends BpfException {
    public KeyExistsException(String operation) {
        super(operation, Errno.EEXIST, "the key is already present and the update asked for a new key only", null);
    }
}
