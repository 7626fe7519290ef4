package dev.ebpf4j.k8s.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.lang.reflect.Constructor;

/**
 * The {@code ebpf4j} launcher: one entry point with cilium/hubble/bpftool-style subcommands.
 *
 * {@snippet :
 * int exit = Ebpf4jCli.run(CliContext.detached(Terminal.system()), "prog", "list");
 * }
 */
@Command(name = "ebpf4j", mixinStandardHelpOptions = true, version = "ebpf4j 0.1.0",
        description = "Observe and inspect the ebpf4j datapath.",
        subcommands = {ObserveCommand.class, MonitorCommand.class, StatusCommand.class, ServiceCommand.class,
                EndpointCommand.class, PolicyCommand.class, ProgCommand.class, MapCommand.class, NetCommand.class,
                AutoComplete.GenerateCompletion.class})
public final class Ebpf4jCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Ebpf4jCli() {}

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line {@code args} against {@code context}; returns the exit code. */
    public static int run(CliContext context, String... args) {
        CommandLine cl = new CommandLine(new Ebpf4jCli(), new Factory(context));
        cl.setOut(context.terminal().out());
        cl.setErr(context.terminal().err());
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                context.terminal().ansi() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println(line.getColorScheme().errorText("error: " + ex.getMessage()));
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return cl.execute(args);
    }

    /** Process entry point: standalone, without an agent in this process. */
    public static void main(String[] args) {
        System.exit(run(CliContext.standalone(Terminal.system()), args));
    }

    /** Gives commands with a {@code (CliContext)} constructor the context; others get picocli's default factory. */
    private record Factory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            for (Constructor<?> c : cls.getDeclaredConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == CliContext.class) {
                    c.setAccessible(true);
                    return cls.cast(c.newInstance(context));
                }
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
