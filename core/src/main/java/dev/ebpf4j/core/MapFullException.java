package dev.ebpf4j.core;

/** A map update needed a new entry but the map is at its max entries ({@code E2BIG}), or a queue/stack is full. */
public final class MapFullException extends BpfException {
    public MapFullException(String operation, int errno) {
        super(operation, errno, "the map is full: raise max entries or remove entries first", null);
    }
}
