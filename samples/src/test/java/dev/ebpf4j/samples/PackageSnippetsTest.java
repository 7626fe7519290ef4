package dev.ebpf4j.samples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code {@snippet}} in a package-info.java of any module is external: a region of a source file under that
 * module's {@code src/test/java} (the javadoc snippet path, see the root pom), which the build compiles. An inline
 * {@code {@snippet : ...}} is pasted text that nothing compiles, so it fails here.
 */
class PackageSnippetsTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern SNIPPET = Pattern.compile("\\{@snippet\\b([^}:]*)([}:])");
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w+)\\s*=\\s*\"([^\"]*)\"");

    @Test
    void everyPackageSnippetIsARegionOfACompiledSource() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> infos = packageInfos();
        int snippets = 0;
        for (Path info : infos) {
            Matcher m = SNIPPET.matcher(Files.readString(info));
            while (m.find()) {
                snippets++;
                problems.addAll(check(info, m.group(1), m.group(2)));
            }
        }
        assertTrue(infos.size() > 30 && snippets > 30, infos.size() + " package-info files, " + snippets + " snippets");
        assertEquals(List.of(), problems);
    }

    /** Shell command lines are shown as {@code <pre>} (nothing compiles them): the scripts they run must exist. */
    @Test
    void everyScriptNamedInAPackageCommandLineExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int scripts = 0;
        for (Path info : packageInfos()) {
            Matcher pre = Pattern.compile("<pre>(.*?)</pre>", Pattern.DOTALL).matcher(Files.readString(info));
            while (pre.find()) {
                for (Matcher sh = Pattern.compile("[\\w./-]+\\.sh\\b").matcher(pre.group(1)); sh.find(); scripts++) {
                    if (!Files.isExecutable(ROOT.resolve(sh.group()))) missing.add(ROOT.relativize(info) + ": " + sh.group());
                }
            }
        }
        assertTrue(scripts >= 5, scripts + " scripts named");
        assertEquals(List.of(), missing);
    }

    private static List<String> check(Path info, String attributes, String end) {
        String where = ROOT.relativize(info).toString();
        if (end.equals(":")) {
            return List.of(where + ": inline {@snippet : ...}; make it {@snippet class=\"...\" region=\"...\"} in src/test/java");
        }
        String cls = null, region = null;
        for (Matcher a = ATTRIBUTE.matcher(attributes); a.find(); ) {
            if (a.group(1).equals("class")) cls = a.group(2);
            if (a.group(1).equals("region")) region = a.group(2);
        }
        if (cls == null || region == null) return List.of(where + ": {@snippet" + attributes + "} needs class= and region=");
        Path module = info.subpath(0, info.getNameCount() - 1);
        while (!module.endsWith(Path.of("src", "main", "java"))) module = module.getParent();
        Path source = module.getParent().getParent().getParent()
                .resolve(Path.of("src", "test", "java", cls.replace('.', '/') + ".java"));
        try {
            String text = Files.readString(source);
            if (!text.contains("@start region=\"" + region + "\"")) {
                return List.of(where + ": " + ROOT.relativize(source) + " has no region \"" + region + "\"");
            }
            return List.of();
        } catch (IOException e) {
            return List.of(where + ": snippet class " + cls + " not found at " + ROOT.relativize(source));
        }
    }

    private static List<Path> packageInfos() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.endsWith("package-info.java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .map(Path::normalize)
                    .toList();
        }
    }
}
