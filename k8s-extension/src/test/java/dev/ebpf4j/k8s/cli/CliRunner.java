package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.FlowSource;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI against a flow source from tests in other packages. */
public final class CliRunner {
    private CliRunner() {}

    /** Runs {@code args} (plain output) and returns stdout; fails the test on a non-zero exit. */
    public static String json(FlowSource flows, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "-o";
        all[args.length + 1] = "json";
        return run(flows, all);
    }

    /** Runs {@code args} as the standalone CLI (it starts its own observer) and returns stdout; fails on a non-zero exit. */
    public static String standalone(String... args) {
        CliRun r = StandaloneCliIT.standalone(args);
        if (r.exit() != 0) throw new AssertionError("ebpf4j " + String.join(" ", args) + " exited " + r.exit() + ": " + r.err());
        return r.out();
    }

    /** Runs {@code args} and returns stdout; fails the test on a non-zero exit. */
    public static String run(FlowSource flows, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        Terminal t = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
        int exit = Ebpf4jCli.run(new CliContext(t, () -> java.util.Optional.ofNullable(flows)), args);
        CliRun r = new CliRun(exit, out.toString(), err.toString());
        if (r.exit() != 0) throw new AssertionError("ebpf4j " + String.join(" ", args) + " exited " + r.exit() + ": " + r.err());
        return r.out();
    }
}
