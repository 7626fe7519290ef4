package dev.ebpf4j.maps.codec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The package javadoc's example does what its comments say. */
class PackageSnippetsTest {
    @Test
    void exampleSizesAreTheCLayouts() {
        assertArrayEquals(new int[] {8, 8, 6}, PackageSnippets.sizes());
    }
}
