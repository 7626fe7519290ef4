package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.FlowSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;

/** Runs the CLI in-process and captures its output (plain text: not a terminal). */
record CliRun(int exit, String out, String err) {
    static CliRun run(ClusterState state, FlowSource flows, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        Terminal t = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
        int exit = Ebpf4jCli.run(new CliContext(t, dir -> state, () -> Optional.ofNullable(flows), false), args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** Runs against the real pinned state (under the default or a {@code --pin-dir}) and no flow source. */
    static CliRun run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        Terminal t = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
        int exit = Ebpf4jCli.run(CliContext.detached(t), args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
