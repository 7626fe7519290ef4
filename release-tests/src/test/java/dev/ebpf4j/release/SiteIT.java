package dev.ebpf4j.release;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds the documentation site with its one command, serves it on loopback and checks it in headless Chromium:
 * every top page renders without console errors, no internal link is broken, screenshots of each top page land in
 * site/target/screenshots/. Also builds a copy with site/test-data's benchmark file to check the plots, and checks
 * that a broken include fails the build.
 */
@Tag("release")
class SiteIT {
    static final Path SITE = Build.ROOT.resolve("site/target/site");
    static final Path TEST_DATA_SITE = Build.TARGET.resolve("site-test-data");
    static final Path SCREENSHOTS = Build.ROOT.resolve("site/target/screenshots");
    static final Pattern LINK = Pattern.compile("(?:href|src)=\"([^\"]*)\"");

    static StaticServer server;
    static StaticServer testDataServer;

    @BeforeAll
    static void build() throws Exception {
        assumeTrue(Files.isExecutable(Chromium.BINARY),
                "needs headless Chromium at /usr/bin/chromium (Debian package 'chromium'): apt-get install chromium");
        Build.run(Build.ROOT, "build-site", Map.of(), 900, List.of("scripts/build-site.sh")).requireSuccess("scripts/build-site.sh");
        Build.run(Build.ROOT, "build-site-test-data", Map.of(), 600, List.of("scripts/build-site.sh", "--out",
                TEST_DATA_SITE.toString(), "--results", "site/test-data/benchmarks", "--test-data", "--no-javadoc"))
                .requireSuccess("scripts/build-site.sh with test data");
        server = new StaticServer(SITE);
        testDataServer = new StaticServer(TEST_DATA_SITE);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (testDataServer != null) testDataServer.close();
    }

    static List<String> topPages() throws Exception {
        List<String> pages = Files.readAllLines(SITE.resolve("top-pages.txt"));
        assertTrue(pages.containsAll(List.of("index.html", "getting-started.html", "concepts.html", "maps.html",
                "programs.html", "builder.html", "kubernetes.html", "samples.html", "node-agent.html", "benchmarks.html",
                "javadoc.html")), "top pages: " + pages);
        return pages;
    }

    @Test
    void everyTopPageRendersWithoutConsoleErrorsAndGetsAScreenshot() throws Exception {
        for (String page : topPages()) {
            URI url = server.base().resolve(page);
            Chromium.Page dom = Chromium.dumpDom(url);
            assertTrue(dom.console().isEmpty(), page + " logged to the console: " + dom.console());
            assertTrue(dom.output().contains("<nav>") && dom.output().contains("<main>"), page + " has no nav/main: " + dom.output());
            Matcher h1 = Pattern.compile("<h1[^>]*>([^<]+)</h1>").matcher(dom.output());
            assertTrue(h1.find(), page + " rendered no title");
            assertTrue(dom.output().contains("class=\"active\""), page + " is not marked in the nav");

            Path png = SCREENSHOTS.resolve(page.replace(".html", ".png"));
            Chromium.Page shot = Chromium.screenshot(url, png);
            assertTrue(shot.console().isEmpty(), page + " logged to the console: " + shot.console());
            assertRealContent(png);
        }
        assertEquals(List.of(), server.failures, "requests that failed while Chromium loaded the pages");
    }

    @Test
    void harnessSeesConsoleErrorsAndMissingResources() throws Exception {
        // The checks above must be able to fail: a page with a script error and a missing image.
        Path bad = Files.createTempDirectory(Build.TARGET, "bad-site");
        Files.writeString(bad.resolve("index.html"), "<!DOCTYPE html><html><head><link rel=\"icon\" href=\"data:,\"></head>"
                + "<body><main><h1>x</h1><img src=\"missing.png\"></main><script>console.error('e4j-selftest');</script></body></html>");
        try (StaticServer s = new StaticServer(bad)) {
            Chromium.Page page = Chromium.dumpDom(s.base().resolve("index.html"));
            assertTrue(page.console().stream().anyMatch(l -> l.contains("e4j-selftest")), "console not captured: " + page.console());
            assertEquals(List.of("404 /missing.png"), s.failures);
        }
    }

    @Test
    void noInternalLinkIsBroken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI base = server.base();
        ArrayDeque<URI> queue = new ArrayDeque<>();
        Set<URI> seen = new HashSet<>();
        List<String> broken = new ArrayList<>();
        for (String page : topPages()) queue.add(base.resolve(page));
        int pages = 0;
        while (!queue.isEmpty()) {
            URI url = queue.poll();
            if (!seen.add(url)) continue;
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                broken.add(r.statusCode() + " " + url.getPath());
                continue;
            }
            if (!url.getPath().endsWith(".html")) continue;
            pages++;
            Matcher m = LINK.matcher(r.body());
            while (m.find()) {
                String target = m.group(1).replace("&amp;", "&");
                if (target.isEmpty() || target.startsWith("#") || target.startsWith("data:") || target.startsWith("mailto:")
                        || target.startsWith("javascript:")) continue;
                URI next = url.resolve(URI.create(target.replace(" ", "%20")));
                if (!"127.0.0.1".equals(next.getHost()) || next.getPort() != base.getPort()) continue;
                URI withoutFragment = new URI(next.getScheme(), next.getAuthority(), next.getPath(), null, null);
                checkFragment(http, url, next, broken);
                queue.add(withoutFragment);
            }
        }
        assertTrue(pages > 20, "crawled only " + pages + " pages (javadoc missing?)");
        assertEquals(List.of(), broken, "broken internal links");
        assertTrue(seen.stream().anyMatch(u -> u.getPath().startsWith("/api/core/")), "javadoc of core is not linked");
    }

    /** Fragment links between our own pages (not javadoc's) must point at an existing id. */
    private static void checkFragment(HttpClient http, URI from, URI to, List<String> broken) throws Exception {
        if (to.getFragment() == null || to.getPath().startsWith("/api/") || from.getPath().startsWith("/api/")) return;
        String body = http.send(HttpRequest.newBuilder(to).build(), HttpResponse.BodyHandlers.ofString()).body();
        if (!body.contains("id=\"" + to.getFragment() + "\"")) broken.add("no #" + to.getFragment() + " in " + to.getPath() + " (from " + from.getPath() + ")");
    }

    @Test
    void benchmarkPlotsComeFromResultFilesAndTestDataIsLabelled() throws Exception {
        String real = Files.readString(SITE.resolve("benchmarks.html"));
        assertFalse(real.contains("TEST DATA"), "the real site must not show test data");
        assertFalse(real.contains("mmap-array"), "the real site must not show test data");

        String page = Files.readString(TEST_DATA_SITE.resolve("benchmarks.html"));
        assertTrue(page.contains("TEST DATA"), "test data not labelled");
        Matcher img = Pattern.compile("<img src=\"(benchmarks/chart-\\d+\\.svg)\"").matcher(page);
        List<String> charts = new ArrayList<>();
        while (img.find()) charts.add(img.group(1));
        assertEquals(2, charts.size(), "one chart per benchmark and metric in sample.csv: " + charts);
        var svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(TEST_DATA_SITE.resolve(charts.getFirst()).toFile()).getDocumentElement();
        assertEquals("svg", svg.getTagName());
        assertTrue(svg.getElementsByTagName("title").item(0).getTextContent().startsWith("TEST DATA"));
        int bars = 0;
        var rects = svg.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            if ("bar".equals(((org.w3c.dom.Element) rects.item(i)).getAttribute("class"))) bars++;
        }
        assertEquals(3, bars, "map-lookup has three variants in sample.csv");

        URI url = testDataServer.base().resolve("benchmarks.html");
        Chromium.Page shot = Chromium.screenshot(url, Build.TARGET.resolve("screenshots/benchmarks-test-data.png"));
        assertTrue(shot.console().isEmpty(), "console: " + shot.console());
        assertEquals(List.of(), testDataServer.failures);
        assertRealContent(Build.TARGET.resolve("screenshots/benchmarks-test-data.png"));
    }

    @Test
    void missingIncludeRegionFailsTheBuildWithFileAndLine() throws Exception {
        Path docs = Files.createTempDirectory(Build.TARGET, "bad-docs");
        Files.writeString(docs.resolve("nav.txt"), "index.md | Home\n");
        Files.writeString(docs.resolve("index.md"), "# Home\n\n{{include: consumer/src/main/java/com/example/consumer/Main.java#no-such-region}}\n");
        Path gen = Build.ROOT.resolve("site/generator/target");
        Build.Result r = Build.run(Build.ROOT, "site-bad-include", Map.of(), 60, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                gen.resolve("classes") + ":" + gen.resolve("lib") + "/*", "dev.ebpf4j.site.SiteGenerator",
                "--root", Build.ROOT.toString(), "--docs", docs.toString(), "--assets", Build.ROOT.resolve("site/assets").toString(),
                "--out", docs.resolve("out").toString(), "--no-javadoc"));
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("site/docs/index.md:3: no region 'no-such-region'"), r.output());

        Files.writeString(docs.resolve("index.md"), "# Home\n\n{{include: no/such/File.java}}\n");
        r = Build.run(Build.ROOT, "site-bad-include", Map.of(), 60, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                gen.resolve("classes") + ":" + gen.resolve("lib") + "/*", "dev.ebpf4j.site.SiteGenerator",
                "--root", Build.ROOT.toString(), "--docs", docs.toString(), "--assets", Build.ROOT.resolve("site/assets").toString(),
                "--out", docs.resolve("out").toString(), "--no-javadoc"));
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("included file does not exist: no/such/File.java"), r.output());
    }

    /** A screenshot of a rendered page has many colours; a blank or error page has a handful. */
    private static void assertRealContent(Path png) throws Exception {
        assertTrue(Files.size(png) > 20_000, png + " is suspiciously small");
        BufferedImage image = ImageIO.read(png.toFile());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) colours.add(image.getRGB(x, y));
        }
        assertTrue(colours.size() > 50, png + " has only " + colours.size() + " colours: blank?");
    }
}
