/**
 * ebpf4j programs: typed program handles, attach to every supported hook with links, and a
 * {@code BPF_PROG_TEST_RUN} harness with a packet builder and parser.
 */
module dev.ebpf4j.programs {
    requires transitive dev.ebpf4j.core;
    exports dev.ebpf4j.programs;
    exports dev.ebpf4j.programs.packet;
    exports dev.ebpf4j.programs.net;
}
