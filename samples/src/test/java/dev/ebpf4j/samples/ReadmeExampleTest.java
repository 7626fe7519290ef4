package dev.ebpf4j.samples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README's example is {@code src/readme/java/CountUdp.java}, verbatim: the build compiles that file and
 * {@link ReadmeExampleIT} runs it with the command the README gives, so the example cannot rot.
 */
class ReadmeExampleTest {
    static final Path EXAMPLE = Path.of("src/readme/java/CountUdp.java");

    @Test
    void readmeExampleIsTheCompiledFile() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int start = readme.indexOf("```java\n") + "```java\n".length();
        String example = readme.substring(start, readme.indexOf("```", start)).stripTrailing();
        assertEquals(Files.readString(EXAMPLE).stripTrailing(), example);
    }
}
