package dev.ebpf4j.k8s.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A node's flows over HTTP, one JSON object a line, for {@link ClusterFlows} (Hubble's peer service, as plain
 * HTTP streaming): {@code GET /flows?last=N} answers the last N flows and ends; {@code &follow=true} then keeps
 * streaming new ones. Each line is {@link FlowJson}'s object with {@code "node_name"} first. Binds where it is told:
 * the agent defaults to 127.0.0.1 and listens elsewhere only when configured to. One virtual thread per client.
 *
 * {@snippet :
 * try (FlowStreamServer server = FlowStreamServer.start(observer, "node-1", new InetSocketAddress("127.0.0.1", 4244))) {
 *     // curl 'http://127.0.0.1:4244/flows?last=20&follow=true'
 * }
 * }
 */
public final class FlowStreamServer implements AutoCloseable {
    /** The port {@code observe --cluster} looks for on every node by default. */
    public static final int DEFAULT_PORT = 4244;
    private static final int QUEUE = 65_536;
    private final HttpServer server;
    private final ExecutorService executor;
    private final FlowSource flows;
    private final String node;

    private FlowStreamServer(HttpServer server, ExecutorService executor, FlowSource flows, String node) {
        this.server = server;
        this.executor = executor;
        this.flows = flows;
        this.node = node;
    }

    /**
     * Serves {@code flows} of {@code node} on {@code address} (port 0: any free port).
     *
     * @throws UncheckedIOException when the address cannot be bound (the message names it)
     */
    public static FlowStreamServer start(FlowSource flows, String node, InetSocketAddress address) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve flows on " + address + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        FlowStreamServer s = new FlowStreamServer(server, executor, flows, node);
        server.createContext("/flows", s::serve);
        server.setExecutor(executor);
        server.start();
        return s;
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code flow} as one stream line: its JSON object with this node's name first. */
    static String line(String node, Flow flow) {
        String json = FlowJson.toJson(flow);
        StringBuilder b = new StringBuilder(json.length() + node.length() + 16).append("{\"node_name\":");
        FlowJson.quote(b, node).append(',');
        return b.append(json, 1, json.length()).toString();
    }

    /**
     * The filter a query asks for: the {@code observe} options' names ({@code from-pod}, {@code to-pod}, {@code pod},
     * {@code namespace}, {@code ip}, {@code port}, {@code protocol}, {@code verdict}, {@code type},
     * {@code http-method}, {@code http-path}, {@code http-status}), each repeatable.
     *
     * @throws IllegalArgumentException naming an unknown parameter or a bad value
     */
    static FlowFilter filter(java.util.Map<String, java.util.List<String>> q) {
        FlowFilter.Builder b = FlowFilter.builder();
        for (var e : q.entrySet()) {
            java.util.List<String> v = e.getValue();
            switch (e.getKey()) {
                case "last", "follow" -> { }
                case "from-pod" -> b.fromPod(v);
                case "to-pod" -> b.toPod(v);
                case "pod" -> b.pod(v);
                case "namespace" -> b.namespace(v);
                case "ip" -> b.ip(v);
                case "port" -> b.port(v.stream().map(Integer::valueOf).toList());
                case "protocol" -> b.protocol(v);
                case "verdict" -> b.verdict(v);
                case "type" -> b.type(v);
                case "http-method" -> b.httpMethod(v);
                case "http-path" -> b.httpPath(v);
                case "http-status" -> b.httpStatus(v);
                default -> throw new IllegalArgumentException("unknown flow filter '" + e.getKey() + "'");
            }
        }
        return b.build();
    }

    static java.util.Map<String, java.util.List<String>> query(String raw) {
        java.util.Map<String, java.util.List<String>> q = new java.util.LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String kv : raw.split("&")) {
            String[] p = kv.split("=", 2);
            String k = java.net.URLDecoder.decode(p[0], StandardCharsets.UTF_8);
            String v = p.length == 1 ? "" : java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8);
            q.computeIfAbsent(k, x -> new java.util.ArrayList<>()).add(v);
        }
        return q;
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            var q = query(ex.getRequestURI().getRawQuery());
            int last;
            boolean follow = q.containsKey("follow") && !q.get("follow").getFirst().equals("false");
            FlowFilter filter;
            try {
                last = q.containsKey("last") ? Math.max(0, Math.min(100_000, Integer.parseInt(q.get("last").getFirst()))) : 20;
                filter = filter(q);
            } catch (RuntimeException e) {
                send(ex, 400, "bad flow query: " + e.getMessage() + "\n");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            // Subscribed before the history is read, so that no flow falls between the two.
            LinkedBlockingQueue<Flow> queue = new LinkedBlockingQueue<>(QUEUE);
            try (AutoCloseable sub = follow ? flows.history().subscribe(f -> {
                if (filter.test(f)) queue.offer(f);
            }) : null) {
                if (last > 0) for (Flow f : flows.history().last(last, filter)) write(out, f);
                out.flush();
                while (follow) {
                    Flow f = queue.poll(1, TimeUnit.SECONDS);
                    if (f != null) {
                        write(out, f);
                        for (Flow more; (more = queue.poll()) != null; ) write(out, more);
                    } else {
                        out.write('\n'); // a keep-alive line tells a gone client from a quiet node
                    }
                    out.flush();
                }
            } catch (IOException gone) {
                // the client went away
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            }
        }
    }

    private void write(OutputStream out, Flow f) throws IOException {
        out.write(line(node, f).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    /** Stops serving and ends every stream. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
