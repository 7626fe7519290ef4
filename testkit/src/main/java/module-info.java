/** Test support for eBPF code: leak checks, network namespace topologies, privileges. */
module dev.ebpf4j.testkit {
    requires org.junit.jupiter.api;
    exports dev.ebpf4j.testkit;
}
