package dev.ebpf4j.site;

import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Heading;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.AttributeProvider;
import org.commonmark.renderer.html.HtmlRenderer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the static site: every {@code .md} under the docs directory becomes an {@code .html} page with the nav bar
 * from {@code nav.txt}. Directives on a line of their own: {@code {{include: path#region}}}, {@code {{benchmarks}}},
 * {@code {{javadoc}}}. Run by scripts/build-site.sh; any broken include, link to a missing page or bad result file
 * fails the build with {@code file:line}.
 *
 * <p>Arguments: {@code --root DIR --docs DIR --assets DIR --out DIR [--results DIR] [--test-data] [--no-javadoc]}.
 */
public final class SiteGenerator {
    private static final Pattern LOCAL_MD = Pattern.compile("^(?![a-z][a-z0-9+.-]*:)([^#?]*?)\\.md(#.*)?$");

    record NavEntry(String page, String title) {}

    private final Map<String, String> options;
    private final Path root, docs, out;
    private final Includes includes;
    private final Parser parser = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    private SiteGenerator(Map<String, String> options) {
        this.options = options;
        this.root = Path.of(require(options, "root")).toAbsolutePath().normalize();
        this.docs = Path.of(require(options, "docs")).toAbsolutePath().normalize();
        this.out = Path.of(require(options, "out")).toAbsolutePath().normalize();
        this.includes = new Includes(root);
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) usage("unexpected argument " + args[i]);
            String key = args[i].substring(2);
            if (key.equals("test-data") || key.equals("no-javadoc")) options.put(key, "true");
            else if (i + 1 < args.length) options.put(key, args[++i]);
            else usage("--" + key + " needs a value");
        }
        try {
            int pages = new SiteGenerator(options).build();
            System.err.println("site: " + pages + " pages in " + options.get("out"));
        } catch (SiteException e) {
            System.err.println("site: ERROR " + e.getMessage());
            System.exit(1);
        }
    }

    private int build() throws IOException {
        List<NavEntry> nav = nav();
        Files.createDirectories(out);
        Path assets = Path.of(require(options, "assets"));
        try (var files = Files.list(assets)) {
            for (Path f : files.toList()) Files.copy(f, out.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
        List<Path> sources;
        try (var walk = Files.walk(docs)) {
            sources = walk.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        for (Path source : sources) page(source, nav);
        Files.write(out.resolve("top-pages.txt"), nav.stream().map(e -> html(e.page())).toList());
        return sources.size();
    }

    /** nav.txt: {@code page.md | Title} per line; a trailing {@code ?} on the page marks one that may not exist yet. */
    private List<NavEntry> nav() throws IOException {
        List<NavEntry> nav = new ArrayList<>();
        List<String> lines = Files.readAllLines(docs.resolve("nav.txt"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split("\\|", 2);
            if (parts.length != 2) throw new SiteException("nav.txt:" + (i + 1), "expected 'page.md | Title'");
            String page = parts[0].strip();
            boolean optional = page.endsWith("?");
            if (optional) page = page.substring(0, page.length() - 1);
            if (!Files.isRegularFile(docs.resolve(page))) {
                if (optional) {
                    System.err.println("site: " + page + " does not exist yet; left out of the nav");
                    continue;
                }
                throw new SiteException("nav.txt:" + (i + 1), "no page " + page);
            }
            nav.add(new NavEntry(page, parts[1].strip()));
        }
        return nav;
    }

    private void page(Path source, List<NavEntry> nav) throws IOException {
        String relative = docs.relativize(source).toString();
        Path target = out.resolve(html(relative));
        Files.createDirectories(target.getParent());
        String up = "../".repeat(relative.split("/").length - 1);
        String markdown = directives(source, relative, up);
        Node document = parser.parse(markdown);
        String title = title(document, relative);
        HtmlRenderer renderer = HtmlRenderer.builder().extensions(List.of(TablesExtension.create()))
                .attributeProviderFactory(context -> new Links(source, relative)).build();
        StringBuilder navHtml = new StringBuilder();
        for (NavEntry e : nav) {
            navHtml.append("<a href=\"").append(up).append(html(e.page())).append('"')
                    .append(e.page().equals(relative) ? " class=\"active\" aria-current=\"page\"" : "").append('>')
                    .append(Html.escape(e.title())).append("</a>");
        }
        Files.writeString(target, """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · ebpf4j</title>
                <link rel="icon" href="data:,">
                <link rel="stylesheet" href="%sstyle.css">
                </head>
                <body>
                <header><nav><a class="brand" href="%sindex.html">ebpf4j</a>%s</nav></header>
                <main>
                %s</main>
                <footer>ebpf4j · Apache License 2.0 · generated from <code>site/docs/%s</code></footer>
                </body>
                </html>
                """.formatted(Html.escape(title), up, up, navHtml, renderer.render(document), Html.escape(relative)));
    }

    private String directives(Path source, String relative, String up) throws IOException {
        List<String> lines = Files.readAllLines(source);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = "site/docs/" + relative + ":" + (i + 1);
            Matcher include = Includes.DIRECTIVE.matcher(line.strip());
            if (include.matches()) {
                b.append(includes.expand(include, where));
            } else if (line.strip().equals("{{benchmarks}}")) {
                String results = options.get("results");
                BenchmarkPlots plots = new BenchmarkPlots(results == null ? null : Path.of(results), options.containsKey("test-data"));
                b.append('\n').append(plots.render(out.resolve("benchmarks"), up + "benchmarks")).append('\n');
            } else if (line.strip().equals("{{javadoc}}")) {
                b.append('\n').append(javadocList(where, up)).append('\n');
            } else if (line.contains("{{")) {
                throw new SiteException(where, "unknown directive: " + line.strip());
            } else {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    private String javadocList(String where, String up) throws IOException {
        if (options.containsKey("no-javadoc")) return "<p class=\"empty\">Built without javadoc (--no-javadoc).</p>";
        Path api = out.resolve("api");
        List<Path> modules;
        try (var dirs = Files.exists(api) ? Files.list(api) : java.util.stream.Stream.<Path>empty()) {
            modules = dirs.filter(d -> Files.isRegularFile(d.resolve("index.html"))).sorted().toList();
        }
        if (modules.isEmpty()) throw new SiteException(where, "no javadoc under " + api + " (scripts/build-site.sh puts it there)");
        StringBuilder b = new StringBuilder("<ul class=\"api\">\n");
        for (Path m : modules) {
            String name = m.getFileName().toString();
            b.append("<li><a href=\"").append(up).append("api/").append(name).append("/index.html\">")
                    .append(Html.escape(artifactId(name))).append("</a></li>\n");
        }
        return b.append("</ul>").toString();
    }

    /** The Maven artifactId of the module in directory {@code name} (javadoc directories are named after modules). */
    private String artifactId(String name) throws IOException {
        Path pom = root.resolve(name).resolve("pom.xml");
        if (Files.isRegularFile(pom)) {
            String xml = Files.readString(pom);
            int parent = xml.indexOf("</parent>");
            Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(xml);
            if (m.find(Math.max(parent, 0))) return m.group(1).strip();
        }
        return "ebpf4j-" + name;
    }

    private static String title(Node document, String relative) {
        for (Node n = document.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h && h.getLevel() == 1) return text(h);
        }
        throw new SiteException("site/docs/" + relative, "page has no '# Title' heading");
    }

    private static String text(Node node) {
        StringBuilder b = new StringBuilder();
        for (Node n = node.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Text t) b.append(t.getLiteral());
            else b.append(text(n));
        }
        return b.toString();
    }

    static String html(String mdPath) {
        return mdPath.substring(0, mdPath.length() - 3) + ".html";
    }

    /** Rewrites links to pages (.md to .html, checking the page exists) and gives headings ids. */
    private final class Links implements AttributeProvider {
        private final Path source;
        private final String relative;

        Links(Path source, String relative) {
            this.source = source;
            this.relative = relative;
        }

        @Override
        public void setAttributes(Node node, String tagName, Map<String, String> attributes) {
            if (node instanceof Link link) {
                Matcher m = LOCAL_MD.matcher(link.getDestination());
                if (m.matches()) {
                    Path target = source.getParent().resolve(m.group(1) + ".md").normalize();
                    if (!Files.isRegularFile(target)) {
                        throw new SiteException("site/docs/" + relative, "link to a missing page: " + link.getDestination());
                    }
                    attributes.put("href", m.group(1) + ".html" + (m.group(2) == null ? "" : m.group(2)));
                }
            } else if (node instanceof Heading h) {
                attributes.put("id", text(h).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", ""));
            }
        }
    }

    private static String require(Map<String, String> options, String key) {
        String v = options.get(key);
        if (v == null) usage("missing --" + key);
        return v;
    }

    private static void usage(String problem) {
        System.err.println("site: " + problem);
        System.err.println("usage: SiteGenerator --root DIR --docs DIR --assets DIR --out DIR [--results DIR] [--test-data] [--no-javadoc]");
        System.exit(2);
    }
}
