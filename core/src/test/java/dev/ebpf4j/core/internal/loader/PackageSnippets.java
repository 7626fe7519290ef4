package dev.ebpf4j.core.internal.loader;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void load() {
        // @start region="example"
        LoadedLibrary lib = NativeLibrary.get();   // loads on first call, never at class load
        // @end
    }
}
