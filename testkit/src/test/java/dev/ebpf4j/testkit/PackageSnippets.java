package dev.ebpf4j.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    // @start region="example"
    @ExtendWith(FdLeakCheck.class)
    class CounterIT {
        @Test
        void countsPackets() {
            // fails if the test leaves a file descriptor open
        }
    }
    // @end
}
