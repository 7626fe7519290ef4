package dev.ebpf4j.release;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves the node agent's image recipe (jib configuration in the root POM's pluginManagement plus
 * deploy/image/make-rootfs.sh) on a probe module that inherits it: jib:buildTar FROM scratch without a daemon or
 * registry, then deploy/image/smoke-test.sh runs the image's own entrypoint from its layers in a chroot, where the
 * probe makes an FFM downcall into the image's glibc.
 */
@Tag("release")
class AgentImageIT {
    private static final String PROBE = """
            package probe;

            import java.lang.foreign.FunctionDescriptor;
            import java.lang.foreign.Linker;
            import java.lang.foreign.ValueLayout;

            public class Main {
                public static void main(String[] args) throws Throwable {
                    Linker linker = Linker.nativeLinker();
                    var getpid = linker.downcallHandle(linker.defaultLookup().find("getpid").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT));
                    int pid = (int) getpid.invokeExact();
                    System.out.println("image probe: java " + Runtime.version().feature() + ", getpid() via FFM = " + pid
                            + ", java.home " + System.getProperty("java.home"));
                }
            }
            """;

    /** Stands in for the CLI main class, so the image's ebpf4j launcher has something to start. */
    private static final String CLI_PROBE = """
            package dev.ebpf4j.k8s.cli;

            public class Ebpf4jCli {
                public static void main(String[] args) {
                    System.out.println("cli probe: java " + Runtime.version().feature() + " at " + System.getProperty("java.home")
                            + ", native access " + Ebpf4jCli.class.getModule().isNativeAccessEnabled()
                            + ", args " + java.util.Arrays.toString(args));
                }
            }
            """;

    @Test
    void imageBuiltFromScratchRunsItsEntrypoint() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chroot into the unpacked image");
        Path copy = Build.TARGET.resolve("image-build");
        Build.copyBuild(copy, List.of(), null);
        Build.copyTree(Build.ROOT.resolve("deploy/image"), copy.resolve("deploy/image"));
        // make-rootfs.sh takes the CLI launcher from here
        Build.copyTree(Build.ROOT.resolve("k8s-extension/src/main/dist"), copy.resolve("k8s-extension/src/main/dist"));
        Path probe = copy.resolve("image-probe");
        Files.createDirectories(probe.resolve("src/main/java/probe"));
        Files.writeString(probe.resolve("src/main/java/probe/Main.java"), PROBE);
        Files.createDirectories(probe.resolve("src/main/java/dev/ebpf4j/k8s/cli"));
        Files.writeString(probe.resolve("src/main/java/dev/ebpf4j/k8s/cli/Ebpf4jCli.java"), CLI_PROBE);
        Files.writeString(probe.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent><groupId>dev.ebpf4j</groupId><artifactId>ebpf4j-parent</artifactId><version>%s</version></parent>
                  <artifactId>ebpf4j-image-probe</artifactId>
                  <build><plugins><plugin>
                    <groupId>com.google.cloud.tools</groupId><artifactId>jib-maven-plugin</artifactId>
                    <configuration><container><mainClass>probe.Main</mainClass></container></configuration>
                  </plugin></plugins></build>
                </project>
                """.formatted(Build.projectVersion()));

        Build.run(copy, "image-rootfs", Map.of(), 300, List.of("deploy/image/make-rootfs.sh",
                probe.resolve("target/agent-rootfs").toString())).requireSuccess("make-rootfs.sh");
        Build.run(copy, "image-jib", Map.of(), 600, Build.mvnw(copy, "-f", probe.resolve("pom.xml").toString(),
                "package", "com.google.cloud.tools:jib-maven-plugin:buildTar")).requireSuccess("jib:buildTar");
        Path tar = probe.resolve("target/ebpf4j-agent-image.tar");
        assertTrue(Files.isRegularFile(tar), "no image tar at " + tar);

        Build.Result run = Build.run(copy, "image-smoke", Map.of(), 120,
                List.of("deploy/image/smoke-test.sh", tar.toString())).requireSuccess("running the image");
        assertTrue(run.output().matches("(?s).*image probe: java \\d+, getpid\\(\\) via FFM = \\d+, java.home /opt/java.*"),
                run.output());

        // ebpf4j on the image's PATH, as kubectl exec runs it: the launcher under the image's busybox /bin/sh, the
        // image's java, jib's class path, native access, the arguments unchanged
        Build.Result cli = Build.run(copy, "image-cli", Map.of(), 120,
                List.of("deploy/image/smoke-test.sh", tar.toString(), "--exec", "ebpf4j", "service", "list", "-o", "json"))
                .requireSuccess("ebpf4j in the image");
        assertTrue(cli.output().matches("(?s).*cli probe: java \\d+ at /opt/java, native access true, args \\[service, list, -o, json].*"),
                cli.output());
    }
}
