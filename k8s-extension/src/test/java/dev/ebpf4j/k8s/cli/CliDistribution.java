package dev.ebpf4j.k8s.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The CLI tar.gz this module's package made (surefire passes its path), unpacked for tests that run its launcher. */
final class CliDistribution {
    private CliDistribution() {}

    /** Unpacks the tar.gz into {@code dir} (without its top directory) and returns {@code dir/bin/ebpf4j}. */
    static Path unpack(Path dir) throws Exception {
        Path tarball = Path.of(System.getProperty("ebpf4j.cli.tarball", "target/ebpf4j-unknown-cli.tar.gz"));
        assertTrue(Files.isRegularFile(tarball), "no CLI distribution at " + tarball.toAbsolutePath()
                + ": tests tagged 'distribution' run after package (mvn -pl k8s-extension -am verify)");
        Result r = run(new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", dir.toString(), "--strip-components=1"));
        assertEquals(0, r.exit(), "tar: " + r.err());
        Path launcher = dir.resolve("bin/ebpf4j");
        assertTrue(Files.isExecutable(launcher), "the distribution has no executable bin/ebpf4j");
        return launcher;
    }

    record Result(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    /** Starts {@code pb} with no input and waits up to 30 s for its exit status, stdout and stderr. */
    static Result run(ProcessBuilder pb) throws Exception {
        Path err = Files.createTempFile("e4j-cli-err", ".txt");
        try {
            pb.redirectError(err.toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(pb.command() + " did not finish in 30 s");
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
