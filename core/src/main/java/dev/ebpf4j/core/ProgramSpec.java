package dev.ebpf4j.core;

/** A program as declared in an object before load: what {@link BpfObjectSpec#programs()} reports. */
public record ProgramSpec(String name, String section, ProgramType type, AttachType expectedAttachType, boolean autoload) {}
