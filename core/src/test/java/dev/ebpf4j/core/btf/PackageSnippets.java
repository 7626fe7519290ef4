package dev.ebpf4j.core.btf;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void describeSock() {
        // @start region="example"
        Btf kernel = Btf.kernel();
        int sock = kernel.findId("sock", BtfKind.STRUCT).orElseThrow();
        System.out.println(kernel.describe(sock) + " is " + kernel.sizeOf(sock) + " bytes");
        // @end
    }
}
