package dev.ebpf4j.samples.lb;

import java.util.Map;
import java.util.TreeMap;

/** Which backend answered how many requests. */
final class Distribution {
    private final int requests;
    private final Map<String, Integer> counts = new TreeMap<>();
    private int failures;
    private String firstFailure;

    Distribution(int requests) {
        this.requests = requests;
    }

    void answeredBy(String backend) {
        counts.merge(backend, 1, Integer::sum);
    }

    void failed(Exception e) {
        if (failures++ == 0) firstFailure = e.toString();
    }

    int failures() {
        return failures;
    }

    int count(String backend) {
        return counts.getOrDefault(backend, 0);
    }

    Map<String, Integer> backends() {
        return counts;
    }

    double maxShare() {
        return counts.values().stream().mapToInt(Integer::intValue).max().orElse(0) / (double) requests;
    }

    void print(String title) {
        System.out.printf("%n%s: %d requests%n", title, requests);
        counts.forEach((backend, n) -> System.out.printf("  %-10s %4d  %5.1f%%  %s%n", backend, n, 100.0 * n / requests,
                "#".repeat((int) Math.round(40.0 * n / requests))));
        if (failures > 0) System.out.printf("  failed     %4d  (first: %s)%n", failures, firstFailure);
    }
}
