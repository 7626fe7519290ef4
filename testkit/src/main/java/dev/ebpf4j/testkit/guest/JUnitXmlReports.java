package dev.ebpf4j.testkit.guest;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the legacy JUnit XML ({@code TEST-*.xml}) the JUnit console launcher writes. */
final class JUnitXmlReports {
    private JUnitXmlReports() {}

    /** All test cases in the {@code TEST-*.xml} files of a directory; empty if there are none. */
    static List<GuestTestResult> read(Path directory) {
        if (!Files.isDirectory(directory)) return List.of();
        List<GuestTestResult> results = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(JUnitXmlReports::isReport).sorted().toList()) results.addAll(parse(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list guest reports in " + directory, e);
        }
        return results;
    }

    private static boolean isReport(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith("TEST-") && name.endsWith(".xml");
    }

    static List<GuestTestResult> parse(Path file) {
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("unreadable JUnit report " + file + ": " + e.getMessage(), e);
        }
        List<GuestTestResult> results = new ArrayList<>();
        NodeList cases = doc.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) results.add(testCase((Element) cases.item(i)));
        return results;
    }

    private static GuestTestResult testCase(Element tc) {
        GuestTestResult.Status status = GuestTestResult.Status.PASSED;
        String message = "";
        String detail = "";
        for (Node n = tc.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element e)) continue;
            switch (e.getTagName()) {
                case "failure", "error" -> {
                    status = GuestTestResult.Status.FAILED;
                    message = e.getAttribute("message");
                    detail = e.getTextContent().strip();
                }
                case "skipped" -> {
                    status = GuestTestResult.Status.SKIPPED;
                    message = e.hasAttribute("message") ? e.getAttribute("message") : firstLine(e.getTextContent());
                }
                default -> { }
            }
        }
        return new GuestTestResult(tc.getAttribute("classname"), tc.getAttribute("name"), status, message, detail,
                seconds(tc.getAttribute("time")));
    }

    /** An aborted test's report holds the exception's stack trace; its first line, minus the class, is the reason. */
    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        String line = nl < 0 ? t : t.substring(0, nl);
        return line.replaceFirst("^[\\w.$]+(Exception|Error): ", "");
    }

    private static Duration seconds(String value) {
        try {
            return Duration.ofNanos((long) (Double.parseDouble(value.replace(",", "")) * 1e9));
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }
}
