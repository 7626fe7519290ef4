package dev.ebpf4j.k8s.cli;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static int serviceList() throws Exception {
        // @start region="example"
        // ebpf4j service list --pin-dir /sys/fs/bpf/ebpf4j -o json
        int exit = Ebpf4jCli.run(CliContext.detached(Terminal.system()), "service", "list", "-o", "json");
        // @end
        return exit;
    }
}
