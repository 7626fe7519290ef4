package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;

import java.nio.file.Path;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void attach() {
        // @start region="example"
        try (BpfObject obj = BpfObject.open(Path.of("lb.bpf.o")).load()) {
            XdpProgram xdp = XdpProgram.of(obj.program("xdp_lb"));          // checks the program type
            try (Link link = xdp.attach("eth0", XdpMode.NATIVE)) {          // bpf_link, netlink fallback
                System.out.println(link.info());                            // 7: xdp  prog 42  ifindex 2
            }
            TcProgram tc = TcProgram.of(obj.program("tc_nat"));
            Link tcx = tc.attach("eth0", TcDirection.INGRESS);              // tcx on 6.6+, else clsact + cls_bpf
            ((BpfLink) tcx).pin(Path.of("/sys/fs/bpf/tc_nat"));             // survives this JVM
            tcx.close();
        }
        // @end
    }

    static void switchBack(Program newProgram) {
        // @start region="kernel-program"
        try (BpfLink link = Link.openPinned(Path.of("/sys/fs/bpf/app/links/connect4"));
             KernelProgram old = KernelProgram.openById(link.info().programId())) { // keeps the old program loaded
            link.update(newProgram);
            if (!healthy()) link.update(old);                                      // atomic, either way
        }
        // @end
    }

    private static boolean healthy() {
        return true;
    }
}
