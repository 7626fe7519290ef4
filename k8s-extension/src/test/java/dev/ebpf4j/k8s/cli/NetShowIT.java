package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.programs.AttachStrategy;
import dev.ebpf4j.programs.BpfLink;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcOptions;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.XdpMode;
import dev.ebpf4j.programs.XdpOptions;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code net show} against attachments of every kind made in a namespace this test creates: XDP through netlink, a
 * cls_bpf filter on clsact through netlink, two tcx links in order, XDP through a link on the peer; looked up with
 * {@code --netns} from outside.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class NetShowIT {
    @TempDir
    Path dir;

    @Test
    void listsNetlinkXdpClsBpfAndTcxWithProgramIds() throws Exception {
        Path object = BpfBuilder.create().compile(Path.of("src/test/bpf/net_show_test.bpf.c"), dir.resolve("n.bpf.o")).object();
        try (NetNamespace ns = NetNamespace.create("e4j-cli-net");
             BpfObject obj = BpfObject.open(object).load()) {
            ns.ip("link", "add", "nsv0", "type", "veth", "peer", "name", "nsv1");
            ns.ip("link", "set", "nsv0", "up");
            ns.ip("link", "set", "nsv1", "up");
            XdpProgram xdp = XdpProgram.of(obj.program("ns_xdp_pass"));
            TcProgram cls = TcProgram.of(obj.program("ns_cls_pass"));
            TcProgram first = TcProgram.of(obj.program("ns_tcx_first")), second = TcProgram.of(obj.program("ns_tcx_second"));
            List<Link> links = ns.call(() -> List.of(
                    xdp.attach("nsv0", new XdpOptions(XdpMode.GENERIC, AttachStrategy.NETLINK, java.util.Optional.empty())),
                    cls.attach("nsv0", TcDirection.EGRESS, TcOptions.defaults().strategy(AttachStrategy.NETLINK).filter(7, 3)),
                    second.attach("nsv0", TcDirection.INGRESS, TcOptions.defaults().strategy(AttachStrategy.LINK))));
            try (Link x = links.get(0); Link c = links.get(1); Link s = links.get(2);
                 Link f = ns.call(() -> first.attach("nsv0", TcDirection.INGRESS,
                         TcOptions.defaults().strategy(AttachStrategy.LINK).before((BpfLink) s)));
                 Link xl = ns.call(() -> xdp.attach("nsv1", new XdpOptions(XdpMode.GENERIC, AttachStrategy.LINK, java.util.Optional.empty())))) {
                CliRun r = CliRun.run("net", "show", "--netns", ns.name(), "-o", "json");
                assertEquals(0, r.exit(), r.err());
                assertEquals(5, r.out().lines().count(), r.out());
                // interfaces in index order (nsv1 was made first), each interface's hooks as XDP, tc, tcx
                List<String> lines = r.out().lines().filter(l -> l.contains("\"nsv0\"")).toList();
                String peer = r.out().lines().filter(l -> l.contains("\"nsv1\"")).findFirst().orElseThrow();
                String dev = "\"ifindex\":\\d+,\"devname\":\"nsv0\",";
                assertTrue(lines.get(0).matches("\\{" + dev + "\"hook\":\"xdp\",\"prog_id\":" + xdp.id()
                        + ",\"prog_name\":\"ns_xdp_pass\",\"attach\":\"netlink\",\"link_id\":0,\"mode\":\"generic\"}"), lines.get(0));
                assertTrue(lines.get(1).matches("\\{" + dev + "\"hook\":\"tc/egress\",\"prog_id\":" + cls.id()
                        + ",\"prog_name\":\"ns_cls_pass\",\"attach\":\"netlink\",\"link_id\":0,\"prio\":7,\"handle\":\"0x3\","
                        + "\"chain\":0,\"direct_action\":true,\"filter_name\":\"[^\"]*\"}"), lines.get(1));
                assertTrue(lines.get(2).matches("\\{" + dev + "\"hook\":\"tcx/ingress\",\"prog_id\":" + first.id()
                        + ",\"prog_name\":\"ns_tcx_first\",\"attach\":\"link\",\"link_id\":" + f.info().id() + ",\"position\":0}"), lines.get(2));
                assertTrue(lines.get(3).matches("\\{" + dev + "\"hook\":\"tcx/ingress\",\"prog_id\":" + second.id()
                        + ",\"prog_name\":\"ns_tcx_second\",\"attach\":\"link\",\"link_id\":" + s.info().id() + ",\"position\":1}"), lines.get(3));
                assertTrue(peer.matches("\\{\"ifindex\":\\d+,\"devname\":\"nsv1\",\"hook\":\"xdp\",\"prog_id\":" + xdp.id()
                        + ",\"prog_name\":\"ns_xdp_pass\",\"attach\":\"link\",\"link_id\":" + xl.info().id() + ",\"mode\":\"generic\"}"), peer);

                CliRun table = CliRun.run("net", "show", "--netns", ns.name());
                assertTrue(table.out().matches("(?s)INTERFACE +HOOK +PROGRAM +PROG_ID +ATTACH +DETAILS\n"
                        + "nsv1\\(\\d+\\) +xdp +ns_xdp_pass +" + xdp.id() + " +link " + xl.info().id() + " +mode generic\n"
                        + "nsv0\\(\\d+\\) +xdp +ns_xdp_pass +" + xdp.id() + " +netlink +mode generic\n.*"), table.out());
                // the calling (root) namespace has no nsv0
                assertTrue(!CliRun.run("net", "show", "-o", "json").out().contains("\"nsv0\""));
            }
            CliRun after = CliRun.run("net", "show", "--netns", ns.name(), "-o", "json");
            assertEquals("", after.out(), "every attachment was closed");
        }
    }

    @Test
    void unknownNamespaceIsAUsageError() {
        CliRun r = CliRun.run("net", "show", "--netns", "e4j-no-such-ns-x");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("no network namespace 'e4j-no-such-ns-x'"), r.err());
    }
}
