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
        int exit = Ebpf4jCli.run(new CliContext(t, state, () -> Optional.ofNullable(flows)), args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    static CliRun run(String... args) {
        return run(ClusterState.disconnected(), null, args);
    }
}
