package dev.ebpf4j.k8s.agent;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mock API server's CRUD dispatcher, closer to a real API server where the mock falls short, and with faults to
 * inject. The mock cannot replay history: a watch resumed from an old resource version gets the current objects as
 * ADDED events, never the DELETED ones it missed. A real API server replays them, or answers 410 Gone when its history
 * is compacted; this dispatcher does the latter for a watch resumed after a deletion of its resource it did not
 * stream, so clients re-list as they must against a real server. {@link #goneOnNextWatches} answers the next
 * watches with 410 Gone regardless (as after etcd compaction), and lists are counted, so a test sees re-lists happen.
 */
final class FaultyApiDispatcher extends KubernetesCrudDispatcher {
    private final AtomicInteger gone = new AtomicInteger();
    private final AtomicInteger lists = new AtomicInteger();
    private final AtomicInteger goneAnswered = new AtomicInteger();
    private final java.util.Map<String, AtomicInteger> deletes = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Integer> streamedDeletes = new java.util.concurrent.ConcurrentHashMap<>();

    /** The next {@code n} watch requests get 410 Gone. */
    void goneOnNextWatches(int n) {
        gone.set(n);
    }

    int lists() {
        return lists.get();
    }

    int goneAnswered() {
        return goneAnswered.get();
    }

    /** "services", "endpointslices", ...: the resource a path is about. */
    private static String resource(String path) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        for (String segment : p.split("/")) {
            if (java.util.Set.of("services", "endpointslices", "pods", "networkpolicies", "nodes").contains(segment)) return segment;
        }
        return p;
    }

    @Override
    public MockResponse handleDelete(String path) {
        MockResponse r = super.handleDelete(path);
        deletes.computeIfAbsent(resource(path), k -> new AtomicInteger()).incrementAndGet();
        return r;
    }

    @Override
    public MockResponse handleWatch(String path) {
        String resource = resource(path);
        int deleted = deletes.computeIfAbsent(resource, k -> new AtomicInteger()).get();
        Integer streamed = streamedDeletes.put(resource, deleted);
        boolean missedDeletions = streamed != null && streamed < deleted && path.contains("resourceVersion=")
                && !path.contains("resourceVersion=0");
        if (gone.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || missedDeletions) {
            goneAnswered.incrementAndGet();
            // As kube-apiserver does: the watch opens, then its one event is an ERROR carrying the 410 Status.
            return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket ws, io.fabric8.mockwebserver.http.Response response) {
                    ws.send("""
                            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
                            "message":"too old resource version","reason":"Expired","code":410}}""");
                    ws.close(1000, "");
                }
            });
        }
        return super.handleWatch(path);
    }

    @Override
    public MockResponse handleGet(String path) {
        if (!path.contains("watch=true") && (path.contains("/services") || path.contains("/endpointslices"))) lists.incrementAndGet();
        return super.handleGet(path);
    }
}
