package dev.ebpf4j.k8s.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --pin-dir} option of the commands that read the agent's pinned maps. */
final class PinDir {
    @Option(names = "--pin-dir", paramLabel = "DIR", defaultValue = "/sys/fs/bpf/ebpf4j",
            description = "The agent's bpffs pin directory (default: ${DEFAULT-VALUE}).")
    Path dir;
}
