package dev.ebpf4j.testkit.guest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JUnitXmlReportsTest {
    // The shape junit-platform-console-standalone 1.14 writes (legacy XML), trimmed.
    private static final String REPORT = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="JUnit Jupiter" tests="3" skipped="1" failures="1" errors="0">
              <properties><property name="os.name" value="Linux"/></properties>
              <testcase name="passes()" classname="a.b.SmokeTest" time="0.25"><system-out>unique-id: x</system-out></testcase>
              <testcase name="needsKprobes()" classname="a.b.KprobeIT" time="0.001">
                <skipped message="Assumption failed: needs kprobes: no kprobe PMU"/>
              </testcase>
              <testcase name="aborted()" classname="a.b.KprobeIT" time="0.002">
                <skipped><![CDATA[org.opentest4j.TestAbortedException: Assumption failed: needs fentry: no BTF
            	at org.junit...]]></skipped>
              </testcase>
              <testcase name="fails(Path)" classname="a.b.KprobeIT" time="1,234.5">
                <failure message="expected: &lt;1&gt; but was: &lt;2&gt;" type="org.opentest4j.AssertionFailedError">
            org.opentest4j.AssertionFailedError: expected: &lt;1&gt; but was: &lt;2&gt;
            	at a.b.KprobeIT.fails(KprobeIT.java:12)
                </failure>
              </testcase>
            </testsuite>
            """;

    @Test
    void readsPassedSkippedAndFailedCases(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("TEST-junit-jupiter.xml"), REPORT);
        Files.writeString(dir.resolve("other.xml"), "<not-a-report/>");
        List<GuestTestResult> results = JUnitXmlReports.read(dir);

        assertEquals(4, results.size());
        GuestTestResult passed = results.get(0);
        assertEquals("SmokeTest.passes()", passed.displayName());
        assertEquals(GuestTestResult.Status.PASSED, passed.status());
        assertEquals(Duration.ofMillis(250), passed.duration());

        GuestTestResult skipped = results.get(1);
        assertEquals(GuestTestResult.Status.SKIPPED, skipped.status());
        assertEquals("Assumption failed: needs kprobes: no kprobe PMU", skipped.message());

        assertEquals("Assumption failed: needs fentry: no BTF", results.get(2).message());
        assertEquals(GuestTestResult.Status.SKIPPED, results.get(2).status());

        GuestTestResult failed = results.get(3);
        assertEquals(GuestTestResult.Status.FAILED, failed.status());
        assertEquals("expected: <1> but was: <2>", failed.message());
        assertTrue(failed.detail().contains("KprobeIT.java:12"), failed.detail());
        assertEquals(Duration.ofMillis(1_234_500), failed.duration());
    }

    @Test
    void noReportDirectoryMeansNoResults(@TempDir Path dir) {
        assertEquals(List.of(), JUnitXmlReports.read(dir.resolve("missing")));
    }

    @Test
    void testRootsAreTestClassDirectoriesAndTestJars() {
        List<Path> cp = List.of(Path.of("/m/core/target/classes"), Path.of("/m/core/target/test-classes"),
                Path.of("/m/programs/target/ebpf4j-programs-0.1.0-tests.jar"), Path.of("/r/junit-jupiter-api-5.14.1.jar"));
        assertEquals(List.of(cp.get(1), cp.get(2)), GuestKernel.testRoots(cp));
    }
}
