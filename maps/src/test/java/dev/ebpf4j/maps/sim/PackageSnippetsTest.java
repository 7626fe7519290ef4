package dev.ebpf4j.maps.sim;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The package javadoc's example does what it shows. */
class PackageSnippetsTest {
    @Test
    void examplePutsOneEntry() {
        assertEquals(Optional.of(2L), PackageSnippets.example().get(1));
    }
}
