package dev.ebpf4j.k8s.source;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the manifest-directory sources share: which files are manifests, how a file becomes API objects, and the
 * directory watch that re-reads after a quiet moment.
 */
final class ManifestFiles implements AutoCloseable {
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    /** Editors write files in several steps: wait for quiet before re-reading. */
    private static final long SETTLE_MILLIS = 30;

    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean closed;

    private ManifestFiles(Path directory, Runnable rescan, String threadName) throws IOException {
        watcher = directory.getFileSystem().newWatchService();
        directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        thread = Thread.ofPlatform().daemon().name(threadName).unstarted(() -> loop(rescan));
    }

    /** Watches {@code directory} and calls {@code rescan} on a daemon thread after each burst of changes. */
    static ManifestFiles watch(Path directory, Runnable rescan, String threadName) {
        try {
            ManifestFiles w = new ManifestFiles(directory, rescan, threadName);
            w.thread.start();
            return w;
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch " + directory + ": " + e.getMessage(), e);
        }
    }

    private void loop(Runnable rescan) {
        try {
            while (!closed) {
                WatchKey key = watcher.take();
                WatchKey more;
                do {
                    key.pollEvents();
                    key.reset();
                    more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                    if (more != null) key = more;
                } while (more != null);
                rescan.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    /**
     * Parses every manifest of {@code directory} with {@code parse}, in file order. A file that cannot be read or
     * parsed keeps its last good version in {@code lastGood} (editors write files in steps), and is logged; files
     * gone from the directory are forgotten. Empty when the directory cannot be listed (logged; callers keep their
     * state).
     */
    static <P> java.util.Optional<List<P>> parseAll(Path directory, java.util.Map<Path, P> lastGood,
                                                   java.util.function.Function<String, P> parse, System.Logger log) {
        List<Path> files;
        try {
            files = list(directory);
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "cannot list " + directory + ": " + e.getMessage());
            return java.util.Optional.empty();
        }
        lastGood.keySet().retainAll(files);
        List<P> out = new java.util.ArrayList<>();
        for (Path f : files) {
            try {
                lastGood.put(f, parse.apply(Files.readString(f)));
            } catch (IOException | RuntimeException e) {
                log.log(System.Logger.Level.WARNING, "skipping " + f + " (keeping its last good version): " + e.getMessage());
            }
            P p = lastGood.get(f);
            if (p != null) out.add(p);
        }
        return java.util.Optional.of(out);
    }

    /** The manifest files of a directory ({@code *.yaml}, {@code *.yml}, {@code *.json}, not hidden), sorted. */
    static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(ManifestFiles::isManifest).sorted().toList();
        }
    }

    static boolean isManifest(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
    }

    /** The API objects of one file: its {@code ---}-separated documents, with {@code List} kinds flattened. */
    static List<Object> objects(KubernetesSerialization serialization, String text) {
        List<Object> out = new ArrayList<>();
        for (String doc : DOCUMENT_SEPARATOR.split(text)) {
            if (doc.isBlank() || doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) continue;
            flatten(serialization.unmarshal(doc), out);
        }
        return out;
    }

    private static void flatten(Object o, List<Object> out) {
        switch (o) {
            case KubernetesResourceList<?> l -> l.getItems().forEach(i -> flatten(i, out));
            case List<?> l -> l.forEach(i -> flatten(i, out));
            case null -> { }
            default -> out.add(o);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
