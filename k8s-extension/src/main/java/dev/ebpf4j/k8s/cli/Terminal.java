package dev.ebpf4j.k8s.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Output for one command run: colour and progress only when writing to a terminal, plain text when piped.
 */
public final class Terminal {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean ansi;

    /** A terminal writing to {@code out}/{@code err}; {@code ansi} enables colour and progress lines. */
    public Terminal(PrintWriter out, PrintWriter err, boolean ansi) {
        this.out = out;
        this.err = err;
        this.ansi = ansi;
    }

    /** The process's terminal: ANSI when stdout is a console (not redirected) and NO_COLOR is unset. */
    public static Terminal system() {
        java.io.Console c = System.console();
        boolean tty = c != null && c.isTerminal() && System.getenv("NO_COLOR") == null;
        return new Terminal(new PrintWriter(System.out, true), new PrintWriter(System.err, true), tty);
    }

    public PrintWriter out() { return out; }
    public PrintWriter err() { return err; }
    public boolean ansi() { return ansi; }

    /** {@code text} in green/red/yellow/bold when ANSI is on. */
    public String green(String text) { return colour("32", text); }
    public String red(String text) { return colour("31", text); }
    public String yellow(String text) { return colour("33", text); }
    public String bold(String text) { return colour("1", text); }

    private String colour(String code, String text) {
        return ansi ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }

    /** Shows {@code done/total what} on stderr, overwriting itself; silent when not a terminal. */
    public void progress(String what, int done, int total) {
        if (!ansi) return;
        err.print("\r" + what + " " + done + "/" + total + (done == total ? "\r\u001b[K" : ""));
        err.flush();
    }

    /** Prints rows as a left-aligned table with a header (ANSI width-safe: pads on the raw text). */
    public void table(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] width = new int[header.size()];
        for (List<String> r : all) for (int i = 0; i < r.size() && i < width.length; i++) width[i] = Math.max(width[i], visible(r.get(i)));
        for (int n = 0; n < all.size(); n++) {
            List<String> r = all.get(n);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                String cell = i < r.size() ? r.get(i) : "";
                String shown = n == 0 ? bold(cell) : cell;
                line.append(shown);
                if (i < width.length - 1) line.append(" ".repeat(width[i] - visible(cell) + 2));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    private static int visible(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "").length();
    }
}
