package dev.ebpf4j.samples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's example is the compiled sample's {@code region counter}, verbatim: it cannot rot. */
class ReadmeExampleTest {

    @Test
    void readmeExampleIsTheSampleRegion() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int start = readme.indexOf("```java\n") + "```java\n".length();
        String example = readme.substring(start, readme.indexOf("```", start)).stripTrailing();
        String source = Files.readString(Path.of("src/main/java/dev/ebpf4j/samples/xdp/XdpCounterSample.java"));
        String region = source.substring(source.indexOf("// region counter\n") + "// region counter\n".length(),
                source.indexOf("// endregion"));
        assertEquals(region.stripIndent().stripTrailing(), example);
    }
}
