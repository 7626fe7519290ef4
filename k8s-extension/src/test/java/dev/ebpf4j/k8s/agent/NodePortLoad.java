package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.testkit.NetNamespace;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code connections} TCP requests, one after another, from a namespace to a frontend: answers counted by line,
 * failures counted, the first kept.
 *
 * @param answers      answer line to count
 * @param failed       requests that failed
 * @param firstFailure the first failure's message, or null
 * @param micros       wall time
 */
record NodePortLoad(Map<String, Integer> answers, int failed, String firstFailure, long micros) {
    static NodePortLoad run(NetNamespace from, InetSocketAddress frontend, int connections) {
        return from.call(() -> {
            Map<String, Integer> answers = new TreeMap<>();
            int failed = 0;
            String first = null;
            long t0 = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                try {
                    answers.merge(PodServers.tcp(frontend, 2000), 1, Integer::sum);
                } catch (IOException e) {
                    failed++;
                    if (first == null) first = "request " + i + ": " + e;
                }
            }
            return new NodePortLoad(answers, failed, first, (System.nanoTime() - t0) / 1000);
        });
    }

    @Override
    public String toString() {
        int n = answers.values().stream().mapToInt(Integer::intValue).sum() + failed;
        return n + " connections in " + micros / 1000 + " ms (" + (micros == 0 ? 0 : n * 1_000_000L / micros) + "/s), "
                + failed + " failed, answers " + answers;
    }
}
