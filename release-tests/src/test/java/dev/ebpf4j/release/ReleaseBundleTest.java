package dev.ebpf4j.release;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Rehearses a Maven Central release offline: signs with a throwaway GPG key, builds the Central Portal bundle with
 * {@code -Prelease} (skipUpload: nothing leaves the machine, nothing is installed into ~/.m2) from a copy of the
 * published modules with a release version, and checks the rules the Portal enforces that can be checked here.
 */
@Tag("release")
class ReleaseBundleTest {
    /** Published modules (directory names); extend as modules land. The parent POM is always published. */
    static final List<String> PUBLISHED = List.of("testkit", "core", "maven-plugin", "bpf-src", "maps", "programs");
    static final String VERSION = "0.0.0-rehearsal";
    static final List<String> REQUIRED_CHECKSUMS = List.of("md5", "sha1");

    static Path gnupgHome;
    static String fingerprint;
    static Map<String, byte[]> bundle;

    @BeforeAll
    static void buildBundle() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gpg")),
                "needs gpg (Debian package gnupg) to sign the rehearsal bundle: apt-get install gnupg");
        // A short path: gpg-agent's socket path must stay under 108 bytes.
        gnupgHome = Files.createTempDirectory("e4j-gpg");
        Files.setPosixFilePermissions(gnupgHome, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("GNUPGHOME", gnupgHome.toString());
        Build.run(gnupgHome, "gpg-genkey", env, 60, List.of("gpg", "--batch", "--pinentry-mode", "loopback",
                "--passphrase", "", "--quick-gen-key", "ebpf4j release rehearsal <rehearsal@ebpf4j.invalid>",
                "ed25519", "sign", "1d")).requireSuccess("gpg key generation");
        String keys = Build.run(gnupgHome, "gpg-list", env, 30,
                List.of("gpg", "--batch", "--with-colons", "--list-secret-keys")).requireSuccess("gpg --list-secret-keys").output();
        Matcher fpr = Pattern.compile("(?m)^fpr:+([0-9A-F]{40}):").matcher(keys);
        assertTrue(fpr.find(), "no fingerprint in: " + keys);
        fingerprint = fpr.group(1);

        Path copy = Build.TARGET.resolve("release-rehearsal");
        Build.copyBuild(copy, PUBLISHED, VERSION);
        // The publish goal refuses Maven's offline mode, but everything it needs is already in ~/.m2.
        Build.run(copy, "release-bundle", env, 600, Build.mvnw(copy, "-Prelease", "-Dmaven.test.skip=true",
                "-Dgpg.homedir=" + gnupgHome, "-Dgpg.keyname=" + fingerprint,
                "verify", "org.sonatype.central:central-publishing-maven-plugin:0.12.0:publish", "-DskipUpload=true"))
                .requireSuccess("release build with -Prelease");
        Path zip = copy.resolve("target/central-publishing/central-bundle.zip");
        assertTrue(Files.isRegularFile(zip), "no Central bundle at " + zip);
        bundle = unzip(Files.readAllBytes(zip));
    }

    @AfterAll
    static void stopAgent() throws IOException {
        if (gnupgHome == null) return;
        Build.run(gnupgHome, "gpg-kill-agent", Map.of("GNUPGHOME", gnupgHome.toString()), 30,
                List.of("gpgconf", "--kill", "gpg-agent"));
        Build.deleteRecursively(gnupgHome);
    }

    @Test
    void everyPublishedModuleHasJarSourcesJavadocAndPom() throws Exception {
        String parentDir = "dev/ebpf4j/ebpf4j-parent/" + VERSION + "/";
        assertTrue(bundle.containsKey(parentDir + "ebpf4j-parent-" + VERSION + ".pom"), "parent POM missing: " + bundle.keySet());
        for (String module : PUBLISHED) {
            String artifactId = artifactId(module);
            String base = "dev/ebpf4j/" + artifactId + "/" + VERSION + "/" + artifactId + "-" + VERSION;
            for (String suffix : List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar")) {
                assertTrue(bundle.containsKey(base + suffix), "missing " + base + suffix + " in " + bundle.keySet());
            }
        }
        assertFalse(bundle.keySet().stream().anyMatch(k -> k.contains("release-tests")), "release-tests must not ship");
    }

    @Test
    void everyArtifactIsSignedWithTheReleaseKey() throws Exception {
        Path work = Files.createTempDirectory(Build.TARGET, "verify");
        Map<String, String> env = Map.of("GNUPGHOME", gnupgHome.toString());
        List<String> artifacts = artifacts();
        assertFalse(artifacts.isEmpty());
        for (String name : artifacts) {
            byte[] asc = bundle.get(name + ".asc");
            if (asc == null) fail("no signature " + name + ".asc");
            Path file = work.resolve(Path.of(name).getFileName().toString());
            Files.write(file, bundle.get(name));
            Files.write(Path.of(file + ".asc"), asc);
            Build.Result verify = Build.run(work, "gpg-verify", env, 30,
                    List.of("gpg", "--batch", "--status-fd", "1", "--verify", file + ".asc", file.toString()));
            assertEquals(0, verify.exitCode(), "signature of " + name + " does not verify:\n" + verify.output());
            assertTrue(verify.output().contains("[GNUPG:] VALIDSIG " + fingerprint),
                    name + " is not signed by the rehearsal key " + fingerprint + ":\n" + verify.output());
        }
        // A tampered artifact must fail: proves the check can fail.
        Path tampered = work.resolve("tampered.pom");
        String pom = artifacts.stream().filter(n -> n.endsWith(".pom")).findFirst().orElseThrow();
        Files.writeString(tampered, new String(bundle.get(pom)) + "\n<!-- changed -->");
        Files.write(Path.of(tampered + ".asc"), bundle.get(pom + ".asc"));
        assertTrue(Build.run(work, "gpg-verify-tampered", env, 30, List.of("gpg", "--batch", "--verify",
                tampered + ".asc", tampered.toString())).exitCode() != 0, "gpg accepted a tampered file");
    }

    @Test
    void everyArtifactHasMatchingChecksums() throws Exception {
        for (String name : artifacts()) {
            for (String algorithm : REQUIRED_CHECKSUMS) {
                byte[] sum = bundle.get(name + "." + algorithm);
                if (sum == null) fail("no checksum " + name + "." + algorithm);
                String expected = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm.equals("sha1") ? "SHA-1" : "MD5")
                        .digest(bundle.get(name)));
                assertEquals(expected, new String(sum).trim().split("\\s+")[0], algorithm + " of " + name);
            }
        }
    }

    @Test
    void javadocJarsHaveDocumentationAndSourcesJarsHaveSources() throws Exception {
        for (String module : PUBLISHED) {
            String artifactId = artifactId(module);
            String base = "dev/ebpf4j/" + artifactId + "/" + VERSION + "/" + artifactId + "-" + VERSION;
            Map<String, byte[]> javadoc = unzip(bundle.get(base + "-javadoc.jar"));
            assertTrue(javadoc.containsKey("index.html"), artifactId + " javadoc has no index.html: " + javadoc.keySet());
            assertTrue(javadoc.keySet().stream().anyMatch(n -> n.endsWith("package-summary.html")),
                    artifactId + " javadoc documents no package");
            Map<String, byte[]> sources = unzip(bundle.get(base + "-sources.jar"));
            assertTrue(sources.keySet().stream().anyMatch(n -> n.endsWith(".java")), artifactId + " sources jar has no .java");
        }
    }

    @Test
    void pomsCarryCentralMetadata() throws Exception {
        Element parent = pom("dev/ebpf4j/ebpf4j-parent/" + VERSION + "/ebpf4j-parent-" + VERSION + ".pom");
        // What the Portal requires; children inherit what they do not declare.
        for (String path : List.of("name", "description", "url", "licenses/license/name", "licenses/license/url",
                "developers/developer/name", "scm/url", "scm/connection", "scm/developerConnection")) {
            assertFalse(text(parent, path).isBlank(), "parent POM lacks " + path);
        }
        // Without these, Maven appends the artifactId to inherited URLs and every module's links 404.
        assertEquals("false", parent.getAttribute("child.project.url.inherit.append.path"));
        Element scm = (Element) parent.getElementsByTagName("scm").item(0);
        for (String a : List.of("connection", "developerConnection", "url")) {
            assertEquals("false", scm.getAttribute("child.scm." + a + ".inherit.append.path"), "scm " + a);
        }
        for (String module : PUBLISHED) {
            String artifactId = artifactId(module);
            Element child = pom("dev/ebpf4j/" + artifactId + "/" + VERSION + "/" + artifactId + "-" + VERSION + ".pom");
            assertEquals("dev.ebpf4j", text(child, "parent/groupId"), artifactId);
            assertEquals("ebpf4j-parent", text(child, "parent/artifactId"), artifactId);
            assertFalse(text(child, "name").isBlank(), artifactId + " has no name");
            assertFalse(text(child, "description").isBlank(), artifactId + " has no description");
            assertFalse(new String(bundle.get("dev/ebpf4j/" + artifactId + "/" + VERSION + "/" + artifactId + "-" + VERSION + ".pom"))
                    .contains("SNAPSHOT"), artifactId + " POM refers to a SNAPSHOT");
        }
    }

    @Test
    void effectivePomsOfPublishedModulesInheritUnchangedProjectUrls() throws Exception {
        // What a consumer's Maven computes from the module POM plus the parent POM: URLs must not gain "/<artifactId>".
        Path copy = Build.TARGET.resolve("release-rehearsal");
        for (String module : PUBLISHED) {
            Path out = copy.resolve("target/effective-" + module + ".xml");
            Build.run(copy, "effective-pom-" + module, Map.of(), 300, Build.mvnw(copy, "-q", "-pl", module,
                    "org.apache.maven.plugins:maven-help-plugin:3.5.1:effective-pom", "-Doutput=" + out))
                    .requireSuccess("effective POM of " + module);
            Element pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.toFile()).getDocumentElement();
            Element parent = pom("dev/ebpf4j/ebpf4j-parent/" + VERSION + "/ebpf4j-parent-" + VERSION + ".pom");
            for (String path : List.of("url", "scm/url", "scm/connection", "scm/developerConnection", "licenses/license/name",
                    "developers/developer/name")) {
                assertEquals(text(parent, path), text(pom, path), module + " effective " + path);
            }
        }
    }

    private static List<String> artifacts() {
        List<String> out = new ArrayList<>();
        for (String name : bundle.keySet()) {
            if (name.endsWith("/") || name.matches(".*\\.(asc|md5|sha1|sha256|sha512)$")) continue;
            out.add(name);
        }
        return out;
    }

    private static String artifactId(String module) throws IOException {
        Matcher m = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>")
                .matcher(Files.readString(Build.ROOT.resolve(module).resolve("pom.xml")));
        if (!m.find()) throw new AssertionError("no artifactId in " + module + "/pom.xml");
        return m.group(1);
    }

    private static Element pom(String name) throws Exception {
        byte[] bytes = bundle.get(name);
        if (bytes == null) fail("no " + name + " in the bundle");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
        return doc.getDocumentElement();
    }

    /** Text of a child path like "licenses/license/name" (first match at each level), or "". */
    private static String text(Element root, String path) {
        Element current = root;
        for (String step : path.split("/")) {
            Element next = null;
            for (var n = current.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(step)) { next = e; break; }
            }
            if (next == null) return "";
            current = next;
        }
        return current.getTextContent().trim();
    }

    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) out.put(e.getName(), in.readAllBytes());
        }
        return out;
    }
}
