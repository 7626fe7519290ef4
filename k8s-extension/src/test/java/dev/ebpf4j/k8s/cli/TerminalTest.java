package dev.ebpf4j.k8s.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Colour and progress on a terminal, plain text when piped; tables align on the visible text either way. */
class TerminalTest {
    private final StringWriter out = new StringWriter(), err = new StringWriter();

    private Terminal terminal(boolean ansi) {
        return new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), ansi);
    }

    @Test
    void pipedOutputIsPlainAndHasNoProgress() {
        Terminal t = terminal(false);
        t.progress("reading maps", 1, 2);
        t.table(List.of("ID", "STATE"), List.of(List.of("1", t.green("active")), List.of("22", t.red("missing"))));
        assertEquals("ID  STATE\n1   active\n22  missing\n", out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void terminalOutputIsColouredAndAlignedOnVisibleWidth() {
        Terminal t = terminal(true);
        t.progress("reading maps", 1, 2);
        t.progress("reading maps", 2, 2);
        t.table(List.of("ID", "STATE"), List.of(List.of("1", t.green("active")), List.of("22", "x")));
        assertEquals("\u001b[1mID\u001b[0m  \u001b[1mSTATE\u001b[0m\n1   \u001b[32mactive\u001b[0m\n22  x\n", out.toString());
        assertEquals("\rreading maps 1/2\rreading maps 2/2\r\u001b[K", err.toString());
    }
}
