package dev.ebpf4j.samples;

import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the README's example the way the README says a user runs it: {@code java}'s source launcher on the file, with
 * the ebpf4j jars on the class path. The program loads the XDP counter, sends 10 datagrams between two namespaces it
 * makes and prints what XDP counted.
 */
@Tag("kernel")
class ReadmeExampleIT {

    @Test
    void runsWithOneJavaCommandAndCountsEveryDatagram() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), ReadmeExampleTest.EXAMPLE.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "CountUdp did not finish in 120 s");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("XDP counted 10 of 10 UDP datagrams"), out);
        assertTrue(out.contains("xdp"), "the link's info names the XDP attachment: " + out);
        assertEquals(List.of(), Topology.leftoverNamespaces("e4j-rdme"));
    }
}
