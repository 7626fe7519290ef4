package dev.ebpf4j.k8s.observe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flows of every node in one stream, ordered by time, like {@code hubble observe} through Hubble Relay: each
 * peer is a node's {@link FlowStreamServer}; filters go to the peers, which apply them before sending.
 *
 * {@snippet :
 * List<ClusterFlows.Line> flows = ClusterFlows.last(List.of("10.100.0.11:4244", "10.100.0.12:4244"), Map.of(), 20, Duration.ofSeconds(5));
 * flows.forEach(f -> System.out.println(f.node() + ": " + f.summary()));
 * }
 */
public final class ClusterFlows {
    private static final Pattern NODE = Pattern.compile("^\\{\"node_name\":\"((?:[^\"\\\\]|\\\\.)*)\",\"time\":\"([^\"]+)\"");
    private static final Pattern SUMMARY = Pattern.compile(",\"summary\":\"((?:[^\"\\\\]|\\\\.)*)\"}$");

    private ClusterFlows() {
    }

    /**
     * One flow as a peer sent it.
     *
     * @param time    the flow's time
     * @param node    the node that saw it
     * @param json    the whole line ({@link FlowJson} with {@code node_name})
     * @param summary its one-line description
     */
    public record Line(Instant time, String node, String json, String summary) {
        /** Parses a {@link FlowStreamServer} line; null for a keep-alive or foreign line. */
        public static Line parse(String json) {
            Matcher n = NODE.matcher(json);
            Matcher s = SUMMARY.matcher(json);
            if (!n.find() || !s.find()) return null;
            return new Line(Instant.parse(n.group(2)), unescape(n.group(1)), json, unescape(s.group(1)));
        }

        /** {@code time node: summary}. */
        public String compact() {
            return time + " " + node + ": " + summary;
        }
    }

    /**
     * The last {@code n} flows of the cluster matching {@code filter} (query parameters, see {@link FlowStreamServer}):
     * each peer's last {@code n}, merged by time, the newest {@code n} kept.
     *
     * @throws IOException naming the peer that failed
     */
    public static List<Line> last(List<String> peers, Map<String, List<String>> filter, int n, Duration timeout) throws IOException {
        List<Line> all = new ArrayList<>();
        for (String peer : peers) {
            try (BufferedReader in = open(peer, filter, n, false, timeout)) {
                for (String l; (l = in.readLine()) != null; ) {
                    Line line = Line.parse(l);
                    if (line != null) all.add(line);
                }
            }
        }
        all.sort(Comparator.comparing(Line::time));
        return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
    }

    /**
     * Streams new flows of every peer to {@code out}, in time order: a flow is held for {@code window} (clock skew
     * and delivery delay between nodes) and then released after every earlier one that arrived. Peers that cannot be
     * reached or go away are reported to {@code errors} and retried every second. Runs until the handle is closed.
     */
    public static AutoCloseable follow(List<String> peers, Map<String, List<String>> filter, Duration window,
                                       Consumer<Line> out, Consumer<String> errors) {
        PriorityQueue<Line> pending = new PriorityQueue<>(Comparator.comparing(Line::time));
        List<Thread> threads = new ArrayList<>();
        for (String peer : peers) {
            threads.add(Thread.ofVirtual().name("flows-" + peer).start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try (BufferedReader in = open(peer, filter, 0, true, Duration.ofSeconds(5))) {
                        for (String l; (l = in.readLine()) != null; ) {
                            Line line = Line.parse(l);
                            if (line != null) synchronized (pending) { pending.add(line); }
                        }
                    } catch (IOException e) {
                        errors.accept(peer + ": " + e.getMessage());
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        threads.add(Thread.ofVirtual().name("flows-merge").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Instant horizon = Instant.now().minus(window);
                synchronized (pending) {
                    while (!pending.isEmpty() && pending.peek().time().isBefore(horizon)) out.accept(pending.poll());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
        return () -> threads.forEach(Thread::interrupt);
    }

    private static BufferedReader open(String peer, Map<String, List<String>> filter, int last, boolean follow, Duration timeout)
            throws IOException {
        StringBuilder q = new StringBuilder("last=").append(last);
        if (follow) q.append("&follow=true");
        filter.forEach((k, vs) -> vs.forEach(v -> q.append('&').append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8))));
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + peer + "/flows?" + q).toURL().openConnection();
        c.setConnectTimeout((int) timeout.toMillis());
        // Following, a keep-alive line arrives every second: a longer silence means the peer is gone.
        c.setReadTimeout(follow ? 5000 : (int) timeout.toMillis());
        int status;
        try {
            status = c.getResponseCode();
        } catch (IOException e) {
            throw new IOException("peer " + peer + ": " + e.getMessage(), e);
        }
        if (status != 200) {
            String body = c.getErrorStream() == null ? "" : new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            throw new IOException("peer " + peer + " answered " + status + ": " + body.strip());
        }
        return new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }
}
