package dev.ebpf4j.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs commands (nested Maven builds among them) from the repository root, logging their output under target/. */
final class Build {
    /** The repository root: set by Surefire, or found by walking up from the working directory. */
    static final Path ROOT = root();
    /** This module's target directory, where every test writes. */
    static final Path TARGET = ROOT.resolve("release-tests/target");

    private Build() {}

    /** The outcome of one command: exit code and combined output. */
    record Result(int exitCode, String output, Path log) {
        Result requireSuccess(String what) {
            if (exitCode != 0) {
                String tail = output.length() > 6000 ? output.substring(output.length() - 6000) : output;
                throw new AssertionError(what + " failed with exit code " + exitCode + " (full log: " + log + ")\n" + tail);
            }
            return this;
        }
    }

    /**
     * Runs {@code command} in {@code directory} with the JDK running this test as JAVA_HOME, output to {@code logName}.
     */
    static Result run(Path directory, String logName, Map<String, String> env, long timeoutSeconds, List<String> command) {
        try {
            Path log = TARGET.resolve("logs").resolve(logName + ".log");
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            String javaHome = System.getProperty("java.home");
            pb.environment().put("JAVA_HOME", javaHome);
            pb.environment().put("PATH", javaHome + "/bin:" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            pb.environment().remove("MAVEN_ARGS");
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " timed out after " + timeoutSeconds + " s; log: " + log);
            }
            return new Result(p.exitValue(), Files.readString(log), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The root's Maven wrapper with batch mode and no transfer progress, followed by {@code args}. */
    static List<String> mvnw(Path root, String... args) {
        List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "-ntp"));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Copies the build of {@code modules} (root POM with its module list cut down to them, wrapper, scripts and the
     * modules' sources, no target directories) to {@code destination}, replacing the project version with
     * {@code version} when it is not null. Nested builds run there so they never race the outer build's outputs.
     */
    static void copyBuild(Path destination, List<String> modules, String version) {
        try {
            deleteRecursively(destination);
            Files.createDirectories(destination);
            for (String item : List.of("mvnw", ".mvn", "scripts")) copyTree(ROOT.resolve(item), destination.resolve(item));
            for (String module : modules) copyTree(ROOT.resolve(module), destination.resolve(module));
            String pom = Files.readString(ROOT.resolve("pom.xml"));
            StringBuilder list = new StringBuilder("<modules>\n");
            for (String module : modules) list.append("    <module>").append(module).append("</module>\n");
            Matcher m = Pattern.compile("<modules>.*?</modules>", Pattern.DOTALL).matcher(pom);
            if (!m.find()) throw new AssertionError("root pom.xml has no <modules> section");
            Files.writeString(destination.resolve("pom.xml"), m.replaceFirst(Matcher.quoteReplacement(list + "  </modules>")));
            if (version != null) {
                try (var poms = Files.walk(destination)) {
                    for (Path p : poms.filter(f -> f.getFileName().toString().equals("pom.xml")).toList()) {
                        String text = Files.readString(p);
                        Files.writeString(p, text.replace("<version>" + projectVersion() + "</version>",
                                "<version>" + version + "</version>"));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The version in the root POM. */
    static String projectVersion() {
        try {
            Matcher m = Pattern.compile("<artifactId>ebpf4j-parent</artifactId>\\s*<version>([^<]+)</version>")
                    .matcher(Files.readString(ROOT.resolve("pom.xml")));
            if (!m.find()) throw new AssertionError("no version in the root pom.xml");
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copyTree(Path source, Path target) throws IOException {
        if (Files.isRegularFile(source)) {
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName().toString().equals("target") && !dir.equals(source)) return FileVisitResult.SKIP_SUBTREE;
                Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, target.resolve(source.relativize(file).toString()),
                        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static Path root() {
        String configured = System.getProperty("ebpf4j.root");
        Path start = configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("release-tests"))) return p;
        }
        throw new IllegalStateException("cannot find the repository root from " + start);
    }
}
