package dev.ebpf4j.programs.net;

import java.util.List;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void netShow() {
        // @start region="example"
        List<NetAttachments.Attachment> attached = NetworkNamespaces.call("pod-a", NetAttachments::all); // bpftool net show
        for (NetAttachments.Attachment a : attached) {
            System.out.println(a.devname() + " " + a.hook() + " prog " + a.programId() + " (" + a.attach() + ")");
        }
        int eth0 = NetworkNamespaces.call("pod-a", () -> Interfaces.index("eth0")); // 0 when there is none
        // @end
    }
}
