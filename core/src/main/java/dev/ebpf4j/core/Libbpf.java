package dev.ebpf4j.core;

import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.core.internal.libbpf.Strings;
import dev.ebpf4j.core.internal.loader.LoadedLibrary;
import dev.ebpf4j.core.internal.loader.NativeLibrary;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The libbpf in use. The first call of any ebpf4j API that needs it loads it: the copy bundled in the core jar
 * unless an override names another one (system property {@code ebpf4j.libbpf.path}, environment variable
 * {@code EBPF4J_LIBBPF_PATH}, or a {@link dev.ebpf4j.core.spi.LibbpfLocator} service).
 *
 * {@snippet :
 * System.out.println(Libbpf.version() + " from " + Libbpf.path());   // v1.4 from /tmp/ebpf4j-root-65cde390a95a4e6f/libbpf.so.1
 * }
 */
public final class Libbpf {
    private Libbpf() {}

    /** The version libbpf reports, such as {@code "v1.4"}. */
    public static String version() {
        try {
            MemorySegment s = (MemorySegment) Native.downcall("libbpf_version_string",
                    FunctionDescriptor.of(Native.C_POINTER)).invokeExact();
            return Strings.read(s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The loaded shared object. */
    public static Path path() {
        return library().path();
    }

    /** Where it came from: {@code "bundled (libbpf1_1.4.6-1~bpo12+1_amd64.deb)"}, or the override used. */
    public static String origin() {
        return library().origin();
    }

    /** The Debian package version of the bundled copy, such as {@code "1.4.6-1~bpo12+1"}. */
    public static String packageVersion() {
        return library().packageVersion();
    }

    /** SHA-256 of the loaded file. */
    public static String sha256() {
        return library().sha256();
    }

    private static LoadedLibrary library() {
        return NativeLibrary.get();
    }
}
