package dev.ebpf4j.programs.internal;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static int detach(int linkFd) {
        // @start region="example"
        int fd = Calls.check("link detach", () -> (int) LinkCalls.LINK_DETACH.invokeExact(linkFd));
        // @end
        return fd;
    }
}
