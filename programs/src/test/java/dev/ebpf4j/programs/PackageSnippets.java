package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

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

    static void iterate() {
        // @start region="iterator"
        try (BpfObject obj = BpfObject.open(Path.of("iter.bpf.o")).load();
             BpfLink tasks = IterProgram.of(obj.program("dump_task")).attach();  // SEC("iter/task")
             Stream<String> lines = BpfIterator.open(tasks).lines()) {          // one walk; closes with the stream
            lines.forEach(System.out::println);                                 // what BPF_SEQ_PRINTF wrote
        }
        // @end
    }

    static void netfilter() {
        // @start region="netfilter"
        try (BpfObject obj = BpfObject.open(Path.of("fw.bpf.o")).load();
             BpfLink hook = NetfilterProgram.of(obj.program("drop_udp_port"))      // SEC("netfilter")
                     .attach(NetfilterProgram.Family.IPV4, NetfilterProgram.Hook.LOCAL_IN, -128, 0)) {
            System.out.println(hook.info());                                      // the verdicts apply until close
        }
        // @end
    }

    static void uprobeMulti() {
        // @start region="uprobe-multi"
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        try (BpfObject obj = BpfObject.open(Path.of("calls.bpf.o")).load();
             BpfLink link = UprobeProgram.of(obj.program("count_calls"))        // SEC("uprobe.multi")
                     .attachMulti(libc, List.of("malloc", "free"), List.of(1L, 2L), -1)) {
            System.out.println(link.info());                                   // cookie 1: malloc, 2: free
        }
        // @end
    }

    static void structOps() {
        // @start region="struct-ops"
        try (BpfObject obj = BpfObject.open(Path.of("cc.bpf.o")).load();
             BpfLink cc = StructOps.register(obj.map("e4j_reno"))) {   // SEC(".struct_ops.link") tcp_congestion_ops
            // sockets may now select "e4j_reno" with setsockopt(IPPROTO_TCP, TCP_CONGESTION)
        }
        // @end
    }

    static void netkit() {
        // @start region="netkit"
        try (BpfObject obj = BpfObject.open(Path.of("nk.bpf.o")).load();
             NetkitDevice pair = NetkitDevice.create("nk0", "nk1", NetkitDevice.Mode.L3);   // rtnetlink
             BpfLink link = TcProgram.of(obj.program("primary_drop_port"))                   // SEC("netkit/primary")
                     .attachNetkit(pair, NetkitDevice.Side.PRIMARY)) {
            // the verdicts apply to what nk0 transmits until the link or the pair closes
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
