package dev.ebpf4j.core;

/** A map as declared in an object before load: what {@link BpfObjectSpec#maps()} reports. */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags, boolean internal) {}
