package dev.ebpf4j.core.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Objects keyed by the source's content, the command line and the compiler binary; each entry records the headers
 * clang read (from its dependency file) with their hashes, and is a hit only while all of them are unchanged.
 * Where the source file lives does not matter: the same content compiled from a copy in another directory hits,
 * as long as the headers it includes have the same content. Headers in the source's directory tree are recorded
 * relative to it and checked against the copies beside the source being compiled, so two checkouts whose
 * {@code .bpf.c} agree but whose local headers differ never serve each other's object.
 */
final class BuildCache {
    private final Path directory;

    BuildCache(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    Path directory() {
        return directory;
    }

    String key(Path source, List<String> command, Path compiler) throws IOException {
        MessageDigest digest = digest();
        digest.update(Files.readAllBytes(source));
        String sourceDirInclude = "-I" + source.toAbsolutePath().getParent();
        for (String arg : command) {
            digest.update((arg.equals(sourceDirInclude) ? "-I<source directory>" : arg).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        Path real = compiler.toRealPath();
        digest.update((real + "\0" + Files.size(real) + "\0" + Files.getLastModifiedTime(real)).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    Path object(String key) {
        return directory.resolve(key + ".o");
    }

    private Path manifest(String key) {
        return directory.resolve(key + ".deps");
    }

    boolean hit(String key, Path source) throws IOException {
        if (!Files.isRegularFile(object(key)) || !Files.isRegularFile(manifest(key))) return false;
        Path sourceDir = sourceDirectory(source);
        for (String line : Files.readAllLines(manifest(key))) {
            int space = line.indexOf(' ');
            String name = line.substring(space + 1);
            Path dep = name.startsWith(BESIDE_SOURCE) ? sourceDir.resolve(name.substring(BESIDE_SOURCE.length())) : Path.of(name);
            if (!Files.isRegularFile(dep) || !sha256(Files.readAllBytes(dep)).equals(line.substring(0, space))) return false;
        }
        return true;
    }

    /** Manifest prefix of a header found under the source's directory, which is recorded relative to it. */
    private static final String BESIDE_SOURCE = "<source directory>/";

    void store(String key, Path source, Path object, String depFile) throws IOException {
        List<String> lines = new ArrayList<>();
        Path self = source.toAbsolutePath().normalize();
        Path sourceDir = sourceDirectory(source);
        for (Path dep : parseDepFile(depFile)) {
            Path absolute = dep.toAbsolutePath().normalize();
            if (absolute.equals(self)) continue; // its content is in the key
            String name = absolute.startsWith(sourceDir) ? BESIDE_SOURCE + sourceDir.relativize(absolute) : absolute.toString();
            lines.add(sha256(Files.readAllBytes(dep)) + " " + name);
        }
        Path tmp = Files.createTempFile(directory, key, ".deps.part");
        Files.write(tmp, lines);
        Files.copy(object, directory.resolve(key + ".o.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(directory.resolve(key + ".o.tmp"), object(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, manifest(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path sourceDirectory(Path source) {
        return source.toAbsolutePath().normalize().getParent();
    }

    /** Make-style "target: dep dep \" lines; escaped spaces are kept in file names. */
    static List<Path> parseDepFile(String text) {
        String body = text.replace("\\\n", " ");
        int colon = body.indexOf(": ");
        if (colon < 0) return List.of();
        List<Path> deps = new ArrayList<>();
        for (String token : body.substring(colon + 2).trim().split("(?<!\\\\)\\s+")) {
            if (!token.isEmpty()) deps.add(Path.of(token.replace("\\ ", " ")));
        }
        return deps;
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
