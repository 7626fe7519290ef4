package dev.ebpf4j.release;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Headless Chromium (Debian package {@code chromium}): DOM dumps, screenshots and the page's console messages. */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    /** Console lines as Chromium logs them with --enable-logging=stderr, e.g. {@code INFO:CONSOLE(3)] "x", source: ...}. */
    private static final Pattern CONSOLE = Pattern.compile(":CONSOLE[(:]\\d*\\)?\\]? ?(\".*)$");

    record Page(String output, List<String> console) {}

    private Chromium() {}

    static Page dumpDom(URI url) throws IOException {
        return run(url, List.of("--dump-dom"));
    }

    static Page screenshot(URI url, Path png) throws IOException {
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        return run(url, List.of("--screenshot=" + png, "--window-size=1280,1400", "--hide-scrollbars"));
    }

    private static Page run(URI url, List<String> mode) throws IOException {
        Path profile = Files.createTempDirectory("e4j-chromium");
        try {
            List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                    "--enable-logging=stderr", "--v=0"));
            command.addAll(mode);
            command.add(url.toString());
            Path log = profile.resolve("stderr.log");
            Path stdout = profile.resolve("stdout.txt");
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile()).redirectOutput(stdout.toFile());
            pb.environment().putAll(Map.of("HOME", profile.toString()));
            Process p = pb.start();
            if (!p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish within 90 s for " + url);
            }
            String out = Files.readString(stdout);
            List<String> console = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                Matcher m = CONSOLE.matcher(line);
                if (m.find()) console.add(m.group(1));
            }
            if (p.exitValue() != 0) throw new AssertionError("chromium exited with " + p.exitValue() + " for " + url);
            return new Page(out, console);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            Build.deleteRecursively(profile);
        }
    }
}
