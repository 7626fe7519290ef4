package dev.ebpf4j.core.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One generated Java compilation unit.
 *
 * @param packageName the package, empty for the unnamed package
 * @param className   the top-level class name
 * @param code        the source text
 */
public record JavaSource(String packageName, String className, String code) {

    /**
     * The fully qualified class name.
     *
     * @return {@code packageName.className}, or just the class name in the unnamed package
     */
    public String qualifiedName() {
        return packageName.isEmpty() ? className : packageName + "." + className;
    }

    /**
     * The file's path relative to a source root.
     *
     * @return a path such as {@code com/example/FlowKey.java}
     */
    public Path relativePath() {
        Path dir = packageName.isEmpty() ? Path.of("") : Path.of(packageName.replace('.', '/'));
        return dir.resolve(className + ".java");
    }

    /**
     * Writes the file under a source root, creating directories; an unchanged file is not rewritten, so that
     * incremental compilers see it as up to date.
     *
     * @param sourceRoot the root of a source tree, such as {@code target/generated-sources/ebpf4j}
     * @return the file written
     * @throws java.io.UncheckedIOException if writing fails
     */
    public Path writeTo(Path sourceRoot) {
        Path file = sourceRoot.resolve(relativePath());
        try {
            byte[] bytes = code.getBytes(StandardCharsets.UTF_8);
            if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) return file;
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
