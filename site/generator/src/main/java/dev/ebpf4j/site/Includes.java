package dev.ebpf4j.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code {{include: path/from/repo/root.ext#region}}} lines into fenced code blocks, so that every code sample
 * on the site is text of a file the build compiles. A region runs from a line containing {@code region NAME} to the
 * next line containing {@code endregion} (in any comment syntax); marker lines are dropped and the block dedented.
 * A missing file or region fails the build.
 */
final class Includes {
    static final Pattern DIRECTIVE = Pattern.compile("^\\{\\{include:\\s*([^#}\\s]+)(?:#([\\w-]+))?\\s*}}\\s*$");
    private static final Pattern START = Pattern.compile("\\bregion\\s+([\\w-]+)");
    private static final Pattern END = Pattern.compile("\\bendregion\\b");
    private static final Map<String, String> LANGUAGES = Map.of("java", "java", "c", "c", "h", "c", "xml", "xml",
            "yaml", "yaml", "yml", "yaml", "sh", "bash", "properties", "properties", "csv", "csv");

    private final Path root;

    Includes(Path root) {
        this.root = root;
    }

    /** The code block for one directive match; {@code where} is {@code page:line} for errors. */
    String expand(Matcher directive, String where) {
        String relative = directive.group(1);
        String region = directive.group(2);
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root)) throw new SiteException(where, "include outside the repository: " + relative);
        if (!Files.isRegularFile(file)) throw new SiteException(where, "included file does not exist: " + relative);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> body = region == null ? lines : region(lines, region, where, relative);
        String name = file.getFileName().toString();
        String language = LANGUAGES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "");
        String fence = body.stream().anyMatch(l -> l.contains("```")) ? "~~~~" : "```";
        return fence + language + "\n" + String.join("\n", dedent(body)) + "\n" + fence + "\n"
                + "<p class=\"source\">From <code>" + relative + (region == null ? "" : " (" + region + ")") + "</code></p>\n";
    }

    private static List<String> region(List<String> lines, String region, String where, String file) {
        List<String> out = new ArrayList<>();
        boolean inside = false;
        for (String line : lines) {
            Matcher start = START.matcher(line);
            if (!inside && start.find() && !END.matcher(line).find() && start.group(1).equals(region)) {
                inside = true;
            } else if (inside && END.matcher(line).find()) {
                if (out.isEmpty()) throw new SiteException(where, "region '" + region + "' in " + file + " is empty");
                return out;
            } else if (inside && !START.matcher(line).find()) {
                out.add(line);
            }
        }
        throw new SiteException(where, inside ? "region '" + region + "' in " + file + " has no endregion"
                : "no region '" + region + "' in " + file);
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }
}
