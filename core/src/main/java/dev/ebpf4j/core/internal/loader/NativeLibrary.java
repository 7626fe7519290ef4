package dev.ebpf4j.core.internal.loader;

import dev.ebpf4j.core.spi.LibbpfLocator;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;

/**
 * Finds and loads libbpf once. Order: system property {@code ebpf4j.libbpf.path}, environment variable
 * {@code EBPF4J_LIBBPF_PATH}, {@link LibbpfLocator} services, then the copy bundled in this jar, extracted to
 * a private directory named after its content hash. Every failure is kept and reported if nothing loads.
 */
public final class NativeLibrary {
    public static final String PATH_PROPERTY = "ebpf4j.libbpf.path";
    public static final String PATH_ENV = "EBPF4J_LIBBPF_PATH";
    public static final String DIR_PROPERTY = "ebpf4j.native.dir";
    private static final String RESOURCE_DIR = "/dev/ebpf4j/core/native/";

    private NativeLibrary() {}

    private static final class Holder {
        static final LoadedLibrary LIBRARY = load();
    }

    /** Loads libbpf on first call; later calls return the same library. */
    public static LoadedLibrary get() {
        return Holder.LIBRARY;
    }

    private static LoadedLibrary load() {
        List<String> tried = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        String property = System.getProperty(PATH_PROPERTY);
        if (property != null && !property.isBlank()) {
            return loadOrFail(Path.of(property), "system property " + PATH_PROPERTY, tried, failures);
        }
        String env = System.getenv(PATH_ENV);
        if (env != null && !env.isBlank()) {
            return loadOrFail(Path.of(env), "environment variable " + PATH_ENV, tried, failures);
        }
        for (LibbpfLocator locator : ServiceLoader.load(LibbpfLocator.class)) {
            Optional<Path> path = locator.locate();
            if (path.isEmpty()) {
                tried.add("locator " + locator.description() + ": offered nothing");
                continue;
            }
            LoadedLibrary lib = tryLoad(path.get(), "locator " + locator.description(), tried, failures);
            if (lib != null) return lib;
        }
        try {
            return extractAndLoadBundled(tried, failures);
        } catch (RuntimeException | IOException e) {
            tried.add("bundled copy: " + e.getMessage());
            failures.add(e);
        }
        throw failure(tried, failures);
    }

    private static LoadedLibrary loadOrFail(Path path, String origin, List<String> tried, List<Throwable> failures) {
        LoadedLibrary lib = tryLoad(path, origin, tried, failures);
        if (lib == null) throw failure(tried, failures);
        return lib;
    }

    private static LoadedLibrary tryLoad(Path path, String origin, List<String> tried, List<Throwable> failures) {
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(path, Arena.global());
            return new LoadedLibrary(path, origin, "unknown (not the bundled copy)", sha256(path), lookup);
        } catch (RuntimeException | IOException e) {
            tried.add(origin + " -> " + path + ": " + e.getMessage());
            failures.add(e);
            return null;
        }
    }

    private static LoadedLibrary extractAndLoadBundled(List<String> tried, List<Throwable> failures) throws IOException {
        String platform = platform();
        String base = RESOURCE_DIR + platform + "/";
        Properties props = new Properties();
        try (InputStream in = NativeLibrary.class.getResourceAsStream(base + "libbpf.properties")) {
            if (in == null) {
                throw new IOException("no bundled libbpf for " + platform + " in the ebpf4j-core jar (resource "
                        + base + "libbpf.properties); set " + PATH_PROPERTY + " to a libbpf >= 1.4");
            }
            props.load(in);
        }
        String hash = props.getProperty("libbpf.sha256");
        Path dir = privateDirectory(hash.substring(0, 16));
        Path libelf = extract(base + "libelf.so.1", dir.resolve("libelf.so.1"), props.getProperty("libelf.sha256"));
        Path libbpf = extract(base + "libbpf.so.1", dir.resolve("libbpf.so.1"), hash);
        // libbpf.so.1 needs libelf.so.1; loading it first by path lets the dynamic linker match the soname.
        SymbolLookup.libraryLookup(libelf, Arena.global());
        SymbolLookup lookup = SymbolLookup.libraryLookup(libbpf, Arena.global());
        return new LoadedLibrary(libbpf, "bundled (" + props.getProperty("libbpf.package") + ")",
                props.getProperty("libbpf.version"), hash, lookup);
    }

    private static String platform() {
        String arch = System.getProperty("os.arch");
        String os = System.getProperty("os.name").toLowerCase();
        if (!os.contains("linux")) throw new UnsupportedOperationException("eBPF needs Linux; this is " + os);
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x86_64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> throw new UnsupportedOperationException("no bundled libbpf for architecture " + arch);
        };
    }

    private static Path privateDirectory(String hashPrefix) throws IOException {
        String configured = System.getProperty(DIR_PROPERTY);
        Path root = Path.of(configured != null ? configured : System.getProperty("java.io.tmpdir"));
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        Path dir = root.resolve("ebpf4j-" + user + "-" + hashPrefix);
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
        if (!Files.isWritable(dir)) throw new IOException("native directory " + dir + " is not writable; set " + DIR_PROPERTY);
        return dir;
    }

    /** Extracts once; a racing JVM writes its own temp file and the atomic move makes either copy the winner. */
    private static Path extract(String resource, Path target, String expectedSha) throws IOException {
        if (Files.isRegularFile(target) && expectedSha.equals(sha256(target))) return target;
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("missing resource " + resource + " in the ebpf4j-core jar");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            String actual = sha256(tmp);
            if (!actual.equals(expectedSha)) {
                throw new IOException(resource + " has SHA-256 " + actual + " but the jar records " + expectedSha);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UnsatisfiedLinkError failure(List<String> tried, List<Throwable> failures) {
        var error = new UnsatisfiedLinkError("could not load libbpf; tried:\n  " + String.join("\n  ", tried));
        failures.forEach(error::addSuppressed);
        return error;
    }
}
