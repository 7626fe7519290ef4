/** Test support for eBPF code: leak checks, network namespace topologies, privileges, guest kernels. */
module dev.ebpf4j.testkit {
    requires org.junit.jupiter.api;
    requires java.xml;
    exports dev.ebpf4j.testkit;
    exports dev.ebpf4j.testkit.guest;
}
